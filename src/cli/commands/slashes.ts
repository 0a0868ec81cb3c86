import type { Slash } from '../../api/index.ts';
import { parse } from '../args.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, idOption, money, openContext, positionalArgs, table } from '../context.ts';

export const help = `proofmarket slashes — slashes, newest first (GET /v1/slashes)

A prover that misses a request's deadline loses part of the stake locked for it: some goes to the requester,
some is burned. The operator may reverse a slash with a reason (proofmarket slash reverse <id>).

Options:
  --prover-id P    only this prover's

${GLOBAL_HELP}

Example:
  proofmarket slashes --prover-id my_prover`;

const OPTIONS = { ...GLOBAL_OPTIONS, 'prover-id': { type: 'string' } } as const;

export async function run(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse(argv, OPTIONS, true);
  if (v.help) return void console.log(help);
  positionalArgs(positionals, [], 'slashes');
  const proverId = idOption(v['prover-id'], 'prover-id');
  const ctx = await openContext(v, { signs: false });
  const list = await guard(() => ctx.client.listSlashes(proverId ? { prover_id: proverId } : {}));
  emit(ctx, list, () => (list.length ? slashesTable(list) : ctx.quiet ? '' : 'no slashes'));
}

export function slashesTable(list: Slash[]): string {
  return table(
    ['id', 'prover', 'request', 'amount', 'to requester', 'burned', 'at', 'reversed'],
    list.map((s) => [s.slash_id, s.prover_id, s.task_id, money(s.amount), money(s.to_requester), money(s.burned), s.at, s.reversed_at ? `${s.reversed_at}: ${s.reversal_reason ?? ''}` : '-']),
  );
}
