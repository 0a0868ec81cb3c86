import { coversNewLock } from '../ledger.ts';
import { checkEligibility } from './eligibility.ts';
import type { ProverProfile } from './types.ts';

/** A prover as the pull sees it when it polls (its poll is a heartbeat: an offline prover counts as active). */
export interface Claimant {
  profile: ProverProfile;
  base_price: bigint;
  stake: { free: bigint; locked: bigint };
}

/** The fields of a request the pull's rule reads. */
export interface ClaimableRequest {
  task_id: string;
  status: string;
  mechanism: string;
  backend: string;
  privacy_level: number;
  allow_list: string[] | null;
  max_price: bigint;
  min_reputation: number;
  min_stake: bigint;
  excluded_provers: string[];
}

/** How a prover would get a request back: the market offering it on a poll, or the prover taking it by a bid. */
export type Retake = { by: 'poll'; anotherActiveCanTake: boolean } | { by: 'take' };

/**
 * The rule after a rejected proof, for both ways back to a request: a prover whose proof for it was rejected
 * may not take it again by a bid (it is asking for work it failed). The market offers it to that prover on a
 * poll only when no other active prover that supports its level and backend exists, so a lone prover (as in
 * the README walkthrough) can try again, up to the attempt limit, and is never stuck.
 */
export function offeredAfterRejection(request: Pick<ClaimableRequest, 'excluded_provers'>, proverId: string, via: Retake): boolean {
  if (!request.excluded_provers.includes(proverId)) return true;
  return via.by === 'poll' && !via.anotherActiveCanTake;
}

/**
 * The pull model's rule: may this prover claim this request on its poll? A pending `fixed` request (at its
 * max price) or one under a subscription to it; eligible by `checkEligibility` (status, backend, privacy
 * level, allow list, reputation, capacity); its base price within the max price (not for subscriptions); its
 * free stake covering the request's min_stake plus the overcommit reserve; and not excluded after a rejected
 * proof. The poll's SQL (store/tasks.pollForWork) restates this; a property test checks they agree.
 */
export function mayClaim(c: Claimant, r: ClaimableRequest, anotherActiveCanTake: boolean, overcommitBps: number): boolean {
  if (r.status !== 'pending' || (r.mechanism !== 'fixed' && r.mechanism !== 'subscription')) return false;
  const terms = { request_id: r.task_id, backend: r.backend, privacy_level: r.privacy_level, max_price: r.max_price, min_reputation: r.min_reputation, auction: { mechanism: 'fixed' as const, bid_window_ms: 1 }, ...(r.allow_list ? { allow_list: r.allow_list } : {}) };
  if (!checkEligibility(c.profile, terms).ok) return false;
  if (r.mechanism !== 'subscription' && c.base_price > r.max_price) return false;
  if (r.min_stake > 0n && !coversNewLock(c.stake.free, c.stake.locked, r.min_stake, overcommitBps)) return false;
  return offeredAfterRejection(r, c.profile.prover_id, { by: 'poll', anotherActiveCanTake });
}
