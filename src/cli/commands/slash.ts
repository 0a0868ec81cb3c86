import { parse } from '../args.ts';
import { usage } from '../errors.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, money, openContext, positionalArgs, required } from '../context.ts';
import { reasonOption } from './suspend.ts';

export const help = `proofmarket slash — the market operator reverses a slash (POST /v1/slashes/:id/reverse)

The slashed stake goes back to the prover: the burned part from the burned account, the requester's
compensation from the treasury (the requester keeps it). Signed with the operator's key (serve --operator);
anyone else is refused (operator_only, exit 1); a slash reversed already is slash_already_reversed. The reason
is kept in the audit log. List slashes and their ids with proofmarket slashes.

Usage:
  proofmarket slash reverse <slash_id> --reason TEXT

${GLOBAL_HELP}

Example:
  proofmarket slash reverse 12 --reason "the deadline was missed during our own outage" --key operator.json`;

const OPTIONS = { ...GLOBAL_OPTIONS, reason: { type: 'string' } } as const;

export async function run(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse(argv, OPTIONS, true);
  if (v.help) return void console.log(help);
  const [sub, ...rest] = positionals;
  if (sub === undefined) throw usage('expected reverse <slash_id>; see proofmarket slash --help');
  if (sub !== 'reverse') throw usage(`unknown subcommand "${sub}": expected reverse`);
  const [id] = positionalArgs(rest, ['slash_id'], 'slash reverse');
  if (!/^\d{1,18}$/.test(id!)) throw usage(`a slash id is a number (proofmarket slashes lists them), got "${id}"`);
  const reason = reasonOption(required(v.reason, 'reason', 'slash reverse'));
  const ctx = await openContext(v);
  const s = await guard(() => ctx.client.reverseSlash(id!, reason));
  emit(ctx, s, () => (ctx.quiet ? s.slash_id : `reversed slash ${s.slash_id} of ${s.prover_id}: ${money(s.amount)} back to its stake (reason: ${s.reversal_reason ?? reason})`));
}
