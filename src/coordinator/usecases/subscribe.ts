import { conflict, notFound } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { applyMovement } from '../../store/ledger.ts';
import * as provers from '../../store/provers.ts';
import * as subscriptions from '../../store/subscriptions.ts';
import type { Caller, MarketDeps } from './deps.ts';
import { openGrant } from './support.ts';

export interface SubscribeParameters {
  requester?: string;
  prover_id: string;
  period: 'monthly' | 'annual';
}
export type SubscribeErrorCode = 'prover_not_found' | 'prover_not_subscription' | 'insufficient_funds' | 'signer_mismatch' | 'signature_missing';

/** A requester subscribes to a prover: the fee is paid up front into the subscription's escrow and released as it proves. */
export async function subscribe(deps: MarketDeps, input: SubscribeParameters, caller: Caller): Promise<subscriptions.SubscriptionRecord> {
  const requester = deps.access.actor(caller, input.requester, 'requester');
  const prover = await provers.getProver(deps.db, input.prover_id);
  if (!prover) throw notFound('prover_not_found', `no prover with id "${input.prover_id}"`);
  if (prover.price_type !== 'subscription') throw conflict('prover_not_subscription', `prover "${prover.prover_id}" sells ${prover.price_type} proofs, not subscriptions`);
  const now = deps.clock.now();
  const months = input.period === 'annual' ? 12 : 1;
  const ends = new Date(now);
  ends.setUTCMonth(ends.getUTCMonth() + months);
  const sub: subscriptions.SubscriptionRecord = {
    subscription_id: newId(),
    requester,
    prover_id: prover.prover_id,
    period: input.period,
    fee: prover.base_price * BigInt(months),
    quota: prover.subscription_quota === null ? null : prover.subscription_quota * months,
    used: 0,
    starts_at: now,
    ends_at: ends,
    created_at: now,
  };
  await deps.db.transaction(async (tx) => {
    await subscriptions.insertSubscription(tx, sub);
    const grant = await openGrant(tx, caller, requester, sub.fee);
    if (grant) await applyMovement(tx, grant, now);
    await deps.economy.chargeSubscription(tx, sub, now);
  });
  return sub;
}
