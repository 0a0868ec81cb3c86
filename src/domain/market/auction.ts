import { invalid } from '../errors.ts';
import { checkEligibility } from './eligibility.ts';
import { fixedPrice } from './fixed.ts';
import { isCommitment, opensCommitment } from './sealed.ts';
import { risingCurve, risingPrice } from './rising.ts';
import type { AuctionSpec, ProverProfile, RequestTerms } from './types.ts';
import type { ApplyLockResult, ApplyResult, AuctionState, NewEntry } from './auction-types.ts';
import { hasAccepted, record, refuse } from './auction-log.ts';
import { liveLock, phaseAt, tickAuction } from './auction-phase.ts';

export type {
  ApplyLockResult,
  ApplyResult,
  AuctionAction,
  AuctionEntry,
  AuctionExplanation,
  AuctionOutcome,
  AuctionState,
  ExplainedEntry,
  ProverLookup,
} from './auction-types.ts';
export { nextDeadline, phaseAt, tickAuction } from './auction-phase.ts';
export { closeAuction, withdrawnBids } from './auction-close.ts';
export { applyChoice, applyWithdraw } from './choice.ts';

/**
 * One auction as a pure state machine. The scheduler stores an `AuctionState`, feeds it actions with the
 * time they happened, and closes it when its windows end:
 *
 *   const s0 = openAuction(terms, now)
 *   const { state: s1, ...r } = applyBid(s0, { prover, fee: 90n }, now)     // r.accepted, or r.reason
 *   if (phaseAt(s1, later) === 'closed') closeAuction(s1, later, lookup)   // → explanation + winner
 *
 * Actions by mechanism: `fixed` and `weighted` take `applyBid`, `sealed` takes `applyCommit` then
 * `applyReveal`, `rising` takes `applyLock`. Every action is recorded, accepted or not, so the
 * explanation can say who bid and why each was refused. Nothing mutates: each call returns a new state.
 *
 * Windows are half-open: bidding is [opened_at, opened_at + bid_window_ms), the reveal phase of `sealed`
 * follows it for reveal_window_ms. An action at or after its window's end, before `opened_at`, or after
 * `closeAuction` is refused with `phase_closed` (after close, without being recorded).
 *
 * The module is split by concern: auction-types.ts (the data), auction-phase.ts (time: phases, deadlines,
 * lapsing locks), auction-log.ts (recording actions), auction-close.ts (deciding and explaining the close).
 */

const isInt = (n: number, min: number) => Number.isSafeInteger(n) && n >= min;

/** What is wrong with these terms, as sentences; empty when they are valid. */
export function termsProblems(terms: RequestTerms): string[] {
  const p: string[] = [];
  const a: AuctionSpec = terms.auction;
  if (terms.max_price < 0n) p.push('max_price must not be negative');
  if (!(terms.min_reputation >= 0 && terms.min_reputation <= 5)) p.push('min_reputation must be within 0..5');
  if (!isInt(a.bid_window_ms, 1)) p.push('bid_window_ms must be a positive integer');
  switch (a.mechanism) {
    case 'fixed':
      break;
    case 'requester_choice':
      if (!isInt(a.choice_window_ms, 1)) p.push('choice_window_ms must be a positive integer');
    // falls through: the fallback's weights
    case 'weighted':
      for (const k of ['price_weight', 'reputation_weight'] as const) {
        const w = a[k];
        if (w !== undefined && !(Number.isFinite(w) && w >= 0)) p.push(`${k} must be a finite number ≥ 0`);
      }
      break;
    case 'sealed':
      if (!isInt(a.reveal_window_ms, 1)) p.push('reveal_window_ms must be a positive integer');
      break;
    case 'rising':
      if (a.min_price < 0n || a.min_price > terms.max_price) p.push('min_price must be within 0..max_price');
      if (!isInt(a.ramp_start_ms, 0)) p.push('ramp_start_ms must be an integer ≥ 0');
      if (!isInt(a.ramp_period_ms, 0)) p.push('ramp_period_ms must be an integer ≥ 0');
      if (!isInt(a.lock_timeout_ms, 1)) p.push('lock_timeout_ms must be a positive integer');
      break;
    default:
      p.push(`unknown auction mechanism ${JSON.stringify((a as { mechanism: unknown }).mechanism)}`);
  }
  return p;
}

/**
 * The longest an auction of this spec can run: its windows, plus for `rising` one lock timeout (a lock
 * taken at the last instant of the window holds until then).
 */
export function auctionDuration(spec: AuctionSpec): number {
  switch (spec.mechanism) {
    case 'sealed':
      return spec.bid_window_ms + spec.reveal_window_ms;
    case 'rising':
      return spec.bid_window_ms + spec.lock_timeout_ms;
    case 'requester_choice':
      return spec.bid_window_ms + spec.choice_window_ms;
    default:
      return spec.bid_window_ms;
  }
}

/**
 * Opens an auction at `now`. Throws `MarketError` `invalid_auction_terms` when `termsProblems` finds any.
 */
export function openAuction(terms: RequestTerms, now: Date): AuctionState {
  const problems = termsProblems(terms);
  if (problems.length > 0) throw invalid('invalid_auction_terms', `auction terms are invalid: ${problems.join('; ')}`);
  const t = now.getTime();
  const biddingEnds = t + terms.auction.bid_window_ms;
  return {
    request_id: terms.request_id,
    mechanism: terms.auction.mechanism,
    terms,
    opened_at: new Date(t),
    bidding_ends_at: new Date(biddingEnds),
    reveal_ends_at: terms.auction.mechanism === 'sealed' ? new Date(biddingEnds + terms.auction.reveal_window_ms) : null,
    ...(terms.auction.mechanism === 'requester_choice' ? { choice_ends_at: new Date(biddingEnds + terms.auction.choice_window_ms) } : {}),
    entries: [],
    holder: null,
    lapsed: [],
    closed: null,
  };
}

/**
 * An open bid, for `fixed` (a take), `weighted` and `requester_choice`. One accepted bid per prover; a
 * refused bid may be retried. In `fixed` the first accepted take wins at once (`assigned` is set) and the
 * auction closes to everyone else.
 */
export function applyBid(state: AuctionState, input: { prover: ProverProfile; fee: bigint }, now: Date): ApplyResult {
  const e: NewEntry = { action: 'bid', prover_id: input.prover.prover_id, at: now, prover: input.prover, fee: input.fee };
  if (state.mechanism !== 'fixed' && state.mechanism !== 'weighted' && state.mechanism !== 'requester_choice') return refuse(state, e, 'wrong_mechanism');
  if (phaseAt(state, now) !== 'bidding') return refuse(state, e, 'phase_closed');
  if (hasAccepted(state, e.prover_id, 'bid')) return refuse(state, e, 'duplicate_bid');
  const ok = checkEligibility(input.prover, state.terms, input.fee);
  if (!ok.ok) return refuse(state, e, ok.reason);
  const r = record(state, e, null);
  if (state.mechanism !== 'fixed') return { accepted: true, state: r.state, entry: r.entry, assigned: null };
  return {
    accepted: true,
    state: { ...r.state, holder: r.entry.seq },
    entry: r.entry,
    assigned: { price: fixedPrice(state.terms), until: null },
  };
}

/**
 * A `sealed` commitment during bidding: `sealedCommitment({ request_id, prover_id, fee, nonce })`. The fee
 * is hidden, so every eligibility check but the price runs now; the price is checked at reveal.
 */
export function applyCommit(state: AuctionState, input: { prover: ProverProfile; commitment: string }, now: Date): ApplyResult {
  const e: NewEntry = { action: 'commit', prover_id: input.prover.prover_id, at: now, prover: input.prover, commitment: input.commitment.toLowerCase() };
  if (state.mechanism !== 'sealed') return refuse(state, e, 'wrong_mechanism');
  if (phaseAt(state, now) !== 'bidding') return refuse(state, e, 'phase_closed');
  if (!isCommitment(input.commitment)) return refuse(state, e, 'invalid_commitment');
  if (hasAccepted(state, e.prover_id, 'commit')) return refuse(state, e, 'duplicate_bid');
  const ok = checkEligibility(input.prover, state.terms);
  if (!ok.ok) return refuse(state, e, ok.reason);
  const r = record(state, e, null);
  return { accepted: true, state: r.state, entry: r.entry, assigned: null };
}

/**
 * A `sealed` reveal during the reveal phase: the fee and nonce must hash to this prover's accepted
 * commitment (`commitment_mismatch` otherwise; the prover may retry), then the full eligibility check runs
 * with the revealed fee. Only accepted reveals can win.
 */
export function applyReveal(state: AuctionState, input: { prover: ProverProfile; fee: bigint; nonce: string }, now: Date): ApplyResult {
  const e: NewEntry = { action: 'reveal', prover_id: input.prover.prover_id, at: now, prover: input.prover, fee: input.fee, nonce: input.nonce };
  if (state.mechanism !== 'sealed') return refuse(state, e, 'wrong_mechanism');
  if (phaseAt(state, now) !== 'reveal') return refuse(state, e, 'phase_closed');
  const commit = hasAccepted(state, e.prover_id, 'commit');
  if (commit?.action !== 'commit') return refuse(state, e, 'no_commitment');
  if (hasAccepted(state, e.prover_id, 'reveal')) return refuse(state, e, 'duplicate_bid');
  const opened = opensCommitment(commit.commitment, { request_id: state.request_id, prover_id: e.prover_id, fee: input.fee, nonce: input.nonce });
  if (!opened) return refuse(state, e, 'commitment_mismatch');
  const ok = checkEligibility(input.prover, state.terms, input.fee);
  if (!ok.ok) return refuse(state, e, ok.reason);
  const r = record(state, e, null);
  return { accepted: true, state: r.state, entry: r.entry, assigned: null };
}

/** The price a `rising` auction offers at `now`; `null` for other mechanisms. */
export function currentRisingPrice(state: AuctionState, now: Date): bigint | null {
  if (state.terms.auction.mechanism !== 'rising') return null;
  return risingPrice(risingCurve(state.terms, state.terms.auction, state.opened_at), now);
}

/**
 * A `rising` lock: the first eligible prover to lock during bidding gets the request at the price of this
 * instant (`assigned.price`) until `assigned.until` = now + lock_timeout_ms. Close the auction when it
 * delivers; if it does not by then, the lock lapses (`tickAuction`), the request is open again, and that
 * prover may not lock this auction again (`lock_lapsed`), so stalling cannot buy a higher price.
 */
export function applyLock(state0: AuctionState, input: { prover: ProverProfile }, now: Date): ApplyLockResult {
  const { state, lapsed } = tickAuction(state0, now);
  return { ...lock(state, input, now), lapsed };
}

function lock(state: AuctionState, input: { prover: ProverProfile }, now: Date): ApplyResult {
  const spec = state.terms.auction;
  const price = spec.mechanism === 'rising' ? risingPrice(risingCurve(state.terms, spec, state.opened_at), now) : 0n;
  const e: NewEntry = { action: 'lock', prover_id: input.prover.prover_id, at: now, prover: input.prover, fee: price, expires_at: now };
  if (spec.mechanism !== 'rising') return refuse(state, e, 'wrong_mechanism');
  const phase = phaseAt(state, now);
  if (phase === 'locked') return refuse(state, e, liveLock(state, now)?.prover_id === e.prover_id ? 'duplicate_bid' : 'lock_held');
  if (phase !== 'bidding') return refuse(state, e, 'phase_closed');
  if (state.lapsed.some((seq) => state.entries[seq]?.prover_id === e.prover_id)) return refuse(state, e, 'lock_lapsed');
  const ok = checkEligibility(input.prover, state.terms, price);
  if (!ok.ok) return refuse(state, e, ok.reason);
  const until = new Date(now.getTime() + spec.lock_timeout_ms);
  const r = record(state, { ...e, expires_at: until }, null);
  return { accepted: true, state: { ...r.state, holder: r.entry.seq }, entry: r.entry, assigned: { price, until } };
}

