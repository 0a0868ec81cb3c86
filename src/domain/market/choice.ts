import { checkEligibility } from './eligibility.ts';
import type { ProverProfile, RejectionReason } from './types.ts';
import type { ApplyResult, AuctionEntry, AuctionState, NewEntry } from './auction-types.ts';
import { hasAccepted, record, refuse } from './auction-log.ts';
import { phaseAt } from './auction-phase.ts';

/**
 * `requester_choice`: the requester's pick and a prover's withdrawal. Bids themselves are `applyBid`; the
 * fallback when nobody chose is `weighted`'s rule, in `closeAuction`.
 */

/**
 * A prover withdraws its bid, during bidding or the choice phase: the bid can no longer be chosen
 * (`bid_withdrawn`) and takes no part in the fallback. Final: the prover may not bid again here
 * (`duplicate_bid`), so a withdrawal cannot be used to re-price.
 */
export function applyWithdraw(state: AuctionState, input: { prover: ProverProfile }, now: Date): ApplyResult {
  const e: NewEntry = { action: 'withdraw', prover_id: input.prover.prover_id, at: now, prover: input.prover };
  if (state.mechanism !== 'requester_choice') return refuse(state, e, 'wrong_mechanism');
  const phase = phaseAt(state, now);
  if (phase !== 'bidding' && phase !== 'choosing') return refuse(state, e, 'phase_closed');
  if (!hasAccepted(state, e.prover_id, 'bid')) return refuse(state, e, 'no_bid');
  if (hasAccepted(state, e.prover_id, 'withdraw')) return refuse(state, e, 'duplicate_bid');
  const r = record(state, e, null);
  return { accepted: true, state: r.state, entry: r.entry, assigned: null };
}

export type ChoiceResult =
  | { accepted: true; state: AuctionState; entry: AuctionEntry & { action: 'bid' }; assigned: { price: bigint; until: null } }
  | { accepted: false; state: AuctionState; reason: RejectionReason };

/**
 * The requester chooses the bid with arrival number `seq`, during bidding or the choice phase. The bid must
 * be an accepted, not withdrawn bid, and its prover eligible now (`prover`: its current profile, or
 * `undefined` if it is gone). The chosen bid wins at its own fee and the auction is decided (`assigned`:
 * the caller assigns the task now and closes the round). A refused choice changes nothing and is not
 * recorded: it is the requester's, not a prover's action.
 */
export function applyChoice(state: AuctionState, input: { seq: number; prover: ProverProfile | undefined }, now: Date): ChoiceResult {
  const no = (reason: RejectionReason): ChoiceResult => ({ accepted: false, state, reason });
  if (state.mechanism !== 'requester_choice') return no('wrong_mechanism');
  const phase = phaseAt(state, now);
  if (phase !== 'bidding' && phase !== 'choosing') return no('phase_closed');
  const bid = state.entries[input.seq];
  if (bid?.action !== 'bid' || !bid.accepted) return no('no_bid');
  if (hasAccepted(state, bid.prover_id, 'withdraw')) return no('bid_withdrawn');
  if (input.prover === undefined || input.prover.prover_id !== bid.prover_id) return no('prover_unknown');
  const ok = checkEligibility(input.prover, state.terms, bid.fee);
  if (!ok.ok) return no(ok.reason);
  return { accepted: true, state: { ...state, holder: bid.seq }, entry: bid, assigned: { price: bid.fee, until: null } };
}
