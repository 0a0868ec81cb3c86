import { checkEligibility, effectiveStars } from './eligibility.ts';
import { fixedPrice } from './fixed.ts';
import { pickSealed } from './sealed.ts';
import { pickWeighted, weightsOf } from './weighted.ts';
import type { Candidate, ProverProfile, RejectionReason } from './types.ts';
import type { AuctionEntry, AuctionExplanation, AuctionOutcome, AuctionState, ExplainedEntry, ProverLookup } from './auction-types.ts';
import { hasAccepted } from './auction-log.ts';
import { liveLock, tickAuction } from './auction-phase.ts';

/**
 * Closes the auction at `now` and explains it. Idempotent: closing a closed auction returns the stored
 * explanation.
 *
 * `lookup` gives each prover's profile as it is now. `weighted` and `sealed` collect bids over a window,
 * and a prover may have filled its capacity (or gone offline) elsewhere meanwhile, so with a lookup every
 * collected bid is checked again and scored with the current reputation; pass one whenever auctions run
 * concurrently. Without it the profiles sent with the bids are used. `fixed` and `rising` are decided at
 * the take or lock, with the profile given then.
 *
 * Closing before the windows end is allowed (a forced close; `closed_early`): the auction is decided on
 * what has arrived, and unrevealed commitments lose.
 */
export function closeAuction(state0: AuctionState, now: Date, lookup?: ProverLookup): { state: AuctionState; explanation: AuctionExplanation } {
  if (state0.closed !== null) return { state: state0, explanation: state0.closed.explanation };
  const { state } = tickAuction(state0, now);
  const closing: Closing = { state, entries: state.entries.map(initialVerdict), lookup };
  const outcome = decide(closing, now) ?? noWinner(closing);
  const natural = state.reveal_ends_at ?? state.bidding_ends_at;
  const decided = (state.mechanism === 'fixed' || state.mechanism === 'rising') && outcome.kind === 'won';
  const explanation: AuctionExplanation = {
    request_id: state.request_id,
    mechanism: state.mechanism,
    max_price: state.terms.max_price,
    opened_at: state.opened_at,
    closed_at: now,
    closed_early: !decided && now.getTime() < natural.getTime(),
    entries: closing.entries,
    outcome,
  };
  return { state: { ...state, closed: { at: now, explanation } }, explanation };
}

/** An auction being closed: its state, and the explanation of each entry, filled in as it is decided. */
interface Closing {
  readonly state: AuctionState;
  readonly entries: ExplainedEntry[];
  readonly lookup: ProverLookup | undefined;
}

/** Before deciding: accepted entries have lost, refused ones stay refused for the reason they were. */
function initialVerdict(e: AuctionEntry): ExplainedEntry {
  return {
    seq: e.seq,
    action: e.action,
    prover_id: e.prover_id,
    at: e.at,
    fee: e.action === 'commit' ? null : e.fee,
    score: null,
    result: e.accepted ? 'lost' : 'rejected',
    reason: e.reason,
  };
}

function mark(c: Closing, seq: number, result: ExplainedEntry['result'], reason: RejectionReason | null = null): void {
  const x = c.entries[seq];
  if (x) Object.assign(x, { result, reason });
}

function toCandidate(e: AuctionEntry & { fee: bigint }, prover: ProverProfile): Candidate {
  return { seq: e.seq, prover_id: e.prover_id, fee: e.fee, at: e.at, prover };
}

/** A bid collected over a window is checked again against the prover as it is now (see `closeAuction`). */
function recheck(c: Closing, e: AuctionEntry & { fee: bigint }): Candidate | null {
  if (!c.lookup) return toCandidate(e, e.prover);
  const current = c.lookup(e.prover_id);
  const ok = current === undefined ? { ok: false as const, reason: 'prover_unknown' as const } : checkEligibility(current, c.state.terms, e.fee);
  if (!ok.ok || current === undefined) {
    mark(c, e.seq, 'rejected', ok.ok ? 'prover_unknown' : ok.reason);
    return null;
  }
  return toCandidate(e, current);
}

function won(c: Closing, winner: { seq: number; prover_id: string }, price: bigint, why: string): AuctionOutcome {
  mark(c, winner.seq, 'won');
  return { kind: 'won', prover_id: winner.prover_id, price, refund: c.state.terms.max_price - price, why };
}

/** The winner by the auction's mechanism, or `null` if there is none. */
function decide(c: Closing, now: Date): AuctionOutcome | null {
  switch (c.state.mechanism) {
    case 'fixed':
      return decideFixed(c);
    case 'weighted':
      return decideWeighted(c);
    case 'sealed':
      return decideSealed(c);
    case 'rising':
      return decideRising(c, now);
    default:
      return null;
  }
}

function decideFixed(c: Closing): AuctionOutcome | null {
  const { state } = c;
  const take = state.holder === null ? undefined : state.entries[state.holder];
  if (!take) return null;
  return won(c, take, fixedPrice(state.terms), `${take.prover_id} was the first eligible prover to take the request, at the fixed price ${state.terms.max_price}`);
}

function decideWeighted(c: Closing): AuctionOutcome | null {
  const { terms } = c.state;
  const max = terms.max_price;
  const bids = c.state.entries.filter((e): e is AuctionEntry & { action: 'bid' } => e.accepted && e.action === 'bid');
  const candidates = bids.map((e) => recheck(c, e)).filter((x): x is Candidate => x !== null);
  const w = weightsOf(terms.auction.mechanism === 'weighted' ? terms.auction : {});
  const pick = pickWeighted(candidates, max, w);
  for (const s of pick.scored) {
    const x = c.entries[s.seq];
    if (x) x.score = s.score;
  }
  const winner = pick.winner;
  if (!winner) return null;
  const stars = effectiveStars(winner.prover.reputation);
  const rep = winner.prover.reputation === null ? `no history, counted as ${stars}★` : `${stars}★`;
  const tie = pick.tied ? '; an equal score lost to this earlier bid' : '';
  return won(c, winner, winner.fee, `${winner.prover_id} had the highest score ${winner.score.toFixed(4)} of ${candidates.length} eligible bid(s) (fee ${winner.fee} of max ${max}, ${rep}; weights ${w.price_weight}/${w.reputation_weight})${tie}; paid its fee`);
}

function decideSealed(c: Closing): AuctionOutcome | null {
  const { state } = c;
  const reveals: Candidate[] = [];
  for (const e of state.entries) {
    if (!e.accepted || e.action !== 'commit') continue;
    const reveal = hasAccepted(state, e.prover_id, 'reveal');
    if (reveal?.action !== 'reveal') {
      mark(c, e.seq, 'rejected', 'not_revealed');
      continue;
    }
    mark(c, e.seq, 'revealed');
    const candidate = recheck(c, reveal);
    if (candidate) reveals.push(candidate);
  }
  const pick = pickSealed(reveals, state.terms.max_price);
  if (!pick) return null;
  const paid = pick.runner_up
    ? `paid the second-lowest fee ${pick.price} (${pick.runner_up.prover_id})`
    : `paid its own fee ${pick.price}, the only valid reveal`;
  return won(c, pick.winner, pick.price, `${pick.winner.prover_id} revealed the lowest fee ${pick.winner.fee} of ${reveals.length} valid reveal(s); ${paid}`);
}

function decideRising(c: Closing, now: Date): AuctionOutcome | null {
  for (const seq of c.state.lapsed) mark(c, seq, 'lapsed', 'lock_lapsed');
  const lock = liveLock(c.state, now);
  if (!lock) return null;
  return won(c, lock, lock.fee, `${lock.prover_id} locked first, at ${lock.at.toISOString()}, when the rising price was ${lock.fee}`);
}

function noWinner(c: Closing): AuctionOutcome {
  const reason = c.state.entries.length === 0 ? 'no_bids' : 'no_eligible_bid';
  const refused = c.entries.filter((x) => x.result === 'rejected' || x.result === 'lapsed').length;
  return {
    kind: 'no_winner',
    reason,
    why: reason === 'no_bids' ? 'no prover bid' : `no eligible bid: ${refused} of ${c.entries.length} action(s) refused or lapsed`,
  };
}
