import { parse } from '../args.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, idOption, money, oneOf, openContext, requesterOf, required } from '../context.ts';

export const help = `proofmarket subscribe — subscribe to a prover for a month or a year (POST /v1/subscriptions)

The prover must sell subscriptions (price type subscription). The fee is its base price per month (× 12 for
annual). Then send requests to it with proofmarket request … --subscription-id <id>: they go straight to
that prover at no per-proof charge, within its quota.

Options:
  --prover-id P          the prover
  --period P             monthly | annual
  --requester NAME       without a key: who subscribes (default $PROOFMARKET_REQUESTER, else your login name)

${GLOBAL_HELP}

Example:
  proofmarket subscribe --prover-id my_prover --period monthly`;

const OPTIONS = { ...GLOBAL_OPTIONS, 'prover-id': { type: 'string' }, period: { type: 'string' }, requester: { type: 'string' } } as const;

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parse(argv, OPTIONS);
  if (v.help) return void console.log(help);
  const proverId = required(idOption(v['prover-id'], 'prover-id'), 'prover-id', 'subscribe');
  const period = required(oneOf(v.period, 'period', ['monthly', 'annual'] as const), 'period', 'subscribe');
  const ctx = await openContext(v);
  const requester = requesterOf(ctx, v.requester);
  const s = await guard(() => ctx.client.subscribe({ requester, prover_id: proverId, period }));
  emit(ctx, s, () =>
    ctx.quiet
      ? s.subscription_id
      : `subscription ${s.subscription_id}: ${s.requester} → ${s.prover_id}, ${s.period}, fee ${money(s.fee)}, ` +
        `quota ${s.quota === null ? 'unlimited' : `${s.quota} proofs`}, ${s.starts_at} to ${s.ends_at}\n` +
        `  use it: proofmarket request … --subscription-id ${s.subscription_id}`,
  );
}
