import { parse } from '../args.ts';
import { usage } from '../errors.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, idOption, openContext, required } from '../context.ts';

export const help = `proofmarket suspend — the market operator suspends a prover (POST /v1/provers/:id/suspend)

A suspended prover takes and wins no work until reinstated (proofmarket reinstate). Signed with the operator's
key (the address the coordinator was started with, serve --operator); anyone else is refused (operator_only,
exit 1). The reason is kept in the audit log (GET /v1/audit).

Options:
  --prover-id P    the prover
  --reason TEXT    why (3 to 1000 characters; kept in the audit log)

${GLOBAL_HELP}

Example:
  proofmarket suspend --prover-id my_prover --reason "missed three deadlines today" --key operator.json`;

const OPTIONS = { ...GLOBAL_OPTIONS, 'prover-id': { type: 'string' }, reason: { type: 'string' } } as const;

export const run = (argv: string[]) => operatorAct('suspend', argv, help);

/** suspend and reinstate: the same call, the other way. */
export async function operatorAct(action: 'suspend' | 'reinstate', argv: string[], text: string): Promise<void> {
  const { values: v, positionals } = parse(argv, OPTIONS, true);
  if (v.help) return void console.log(text);
  if (positionals.length) throw usage(`${action} takes no arguments, got "${positionals.join(' ')}"; use --prover-id P`);
  const proverId = required(idOption(v['prover-id'], 'prover-id'), 'prover-id', action);
  const reason = reasonOption(required(v.reason, 'reason', action));
  const ctx = await openContext(v);
  const r = await guard(() => (action === 'suspend' ? ctx.client.suspendProver(proverId, reason) : ctx.client.reinstateProver(proverId, reason)));
  emit(ctx, r, () => (ctx.quiet ? r.status : `${action === 'suspend' ? 'suspended' : 'reinstated'} ${r.prover_id}: status ${r.status}`));
}

export function reasonOption(reason: string): string {
  const t = reason.trim();
  if (t.length < 3 || t.length > 1000) throw usage(`--reason must be 3 to 1000 characters (it is kept in the audit log), got "${reason}"`);
  return t;
}
