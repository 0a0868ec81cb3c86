import { checkEligibility, effectiveStars } from './eligibility.ts';
import { fixedPrice } from './fixed.ts';
import { SealedLeaders, sealedPrice } from './sealed.ts';
import { WeightedLeader, weightedScore, weightsOf } from './weighted.ts';
import type { ProverProfile, RejectionReason } from './types.ts';
import type { AuctionEntry, AuctionExplanation, AuctionOutcome, AuctionState, ExplainedEntry, ProverLookup } from './auction-types.ts';
import { liveLock, tickAuction } from './auction-phase.ts';
import { hasAccepted } from './auction-log.ts';

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
  const scored = state.mechanism === 'weighted' || state.mechanism === 'requester_choice';
  const closing: Closing = { state, lookup, results: new Map(), reasons: new Map(), scores: scored ? new Array<number>(state.entries.length).fill(NaN) : null };
  const decided = decide(closing, now);
  const entries = explainEntries(closing);
  const outcome = decided ?? noWinner(state, entries);
  const natural = state.reveal_ends_at ?? state.choice_ends_at ?? state.bidding_ends_at;
  const byAction = (state.mechanism === 'fixed' || state.mechanism === 'rising' || state.holder !== null) && outcome.kind === 'won';
  const explanation: AuctionExplanation = {
    request_id: state.request_id,
    mechanism: state.mechanism,
    max_price: state.terms.max_price,
    opened_at: state.opened_at,
    closed_at: now,
    closed_early: !byAction && now.getTime() < natural.getTime(),
    entries,
    outcome,
  };
  return { state: { ...state, closed: { at: now, explanation } }, explanation };
}

/**
 * An auction being closed: its state, and the verdicts decided at close, by `seq` (an entry without one
 * keeps its verdict on arrival: accepted entries have lost, refused ones stay refused for their reason).
 * Verdicts are kept in maps by seq and the explanation's entries are built once at the end, each object
 * made with its final values: clearing is one pass over the bids plus one over the entries.
 */
interface Closing {
  readonly state: AuctionState;
  readonly lookup: ProverLookup | undefined;
  /** The verdict decided at close, by seq (sparse: fixed and rising decide one entry). */
  readonly results: Map<number, ExplainedEntry['result']>;
  /** The reason of a verdict decided at close, when it has one. */
  readonly reasons: Map<number, RejectionReason>;
  /** `weighted` (and its fallback): the score of each bid still eligible at close, NaN for none; else null. */
  readonly scores: number[] | null;
}

function mark(c: Closing, seq: number, result: ExplainedEntry['result'], reason: RejectionReason | null = null): void {
  c.results.set(seq, result);
  if (reason !== null) c.reasons.set(seq, reason);
  else if (c.reasons.size > 0) c.reasons.delete(seq);
}

function explainEntries(c: Closing): ExplainedEntry[] {
  const { entries } = c.state;
  const out = new Array<ExplainedEntry>(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const result = c.results.get(i);
    out[i] = {
      seq: e.seq,
      action: e.action,
      prover_id: e.prover_id,
      at: e.at,
      fee: e.action === 'commit' || e.action === 'withdraw' ? null : e.fee,
      score: c.scores === null || Number.isNaN(c.scores[i]) ? null : c.scores[i]!,
      result: result ?? (e.accepted ? 'lost' : 'rejected'),
      reason: result === undefined ? e.reason : (c.reasons.get(i) ?? null),
    };
  }
  return out;
}

/** A priced, accepted entry (a bid or a reveal) as clearing ranks it. */
type Priced = AuctionEntry & { fee: bigint };

/**
 * A bid collected over a window is checked again against the prover as it is now (see `closeAuction`):
 * the profile to rank it with, or `null` (and the entry marked rejected) when it is no longer eligible.
 */
function recheck(c: Closing, e: Priced): ProverProfile | null {
  if (!c.lookup) return e.prover;
  const current = c.lookup(e.prover_id);
  if (current === undefined) {
    mark(c, e.seq, 'rejected', 'prover_unknown');
    return null;
  }
  const ok = checkEligibility(current, c.state.terms, e.fee);
  if (!ok.ok) {
    mark(c, e.seq, 'rejected', ok.reason);
    return null;
  }
  return current;
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
    case 'requester_choice':
      return decideChoice(c);
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

/** One pass over the bids: re-check, score and keep the leader (`WeightedLeader`, the rule of `pickWeighted`). */
function decideWeighted(c: Closing): AuctionOutcome | null {
  const { terms } = c.state;
  const max = terms.max_price;
  const w = weightsOf(terms.auction.mechanism === 'weighted' || terms.auction.mechanism === 'requester_choice' ? terms.auction : {});
  const leader = new WeightedLeader<Priced>();
  const withdrawn = withdrawnBids(c.state);
  let eligible = 0;
  for (const e of c.state.entries) {
    if (!e.accepted || e.action !== 'bid') continue;
    if (withdrawn.has(e.seq)) {
      mark(c, e.seq, 'rejected', 'bid_withdrawn');
      continue;
    }
    const prover = recheck(c, e);
    if (prover === null) continue;
    eligible++;
    const score = weightedScore(e.fee, prover.reputation, max, w);
    if (c.scores) c.scores[e.seq] = score;
    leader.offer(e, score);
  }
  const winner = leader.winner;
  if (!winner) return null;
  const reputation = (c.lookup ? c.lookup(winner.prover_id) : winner.prover)?.reputation ?? null;
  const stars = effectiveStars(reputation);
  const rep = reputation === null ? `no history, counted as ${stars}★` : `${stars}★`;
  const tie = leader.tied ? '; an equal score lost to this earlier bid' : '';
  return won(c, winner, winner.fee, `${winner.prover_id} had the highest score ${leader.score.toFixed(4)} of ${eligible} eligible bid(s) (fee ${winner.fee} of max ${max}, ${rep}; weights ${w.price_weight}/${w.reputation_weight})${tie}; paid its fee`);
}

/**
 * One pass over the entries. Commitments come first (bidding precedes the reveal phase) and each is
 * `not_revealed` until its prover's accepted reveal is met; every reveal was opened against its commitment
 * when it arrived (`applyReveal`), so clearing re-checks eligibility only and keeps the two best
 * (`SealedLeaders`, the rule of `pickSealed`).
 */
function decideSealed(c: Closing): AuctionOutcome | null {
  const { state } = c;
  const commitOf = new Map<string, number>();
  const leaders = new SealedLeaders<Priced>();
  let valid = 0;
  for (const e of state.entries) {
    if (!e.accepted) continue;
    if (e.action === 'commit') {
      commitOf.set(e.prover_id, e.seq);
      mark(c, e.seq, 'rejected', 'not_revealed');
    } else if (e.action === 'reveal') {
      const commit = commitOf.get(e.prover_id);
      if (commit === undefined) continue; // cannot happen: applyReveal needs an accepted commitment
      mark(c, commit, 'revealed');
      if (recheck(c, e) === null) continue;
      valid++;
      leaders.offer(e);
    }
  }
  const winner = leaders.best;
  if (!winner) return null;
  const runnerUp = leaders.second;
  const { price } = sealedPrice(winner, runnerUp, state.terms.max_price);
  const paid = runnerUp
    ? `paid the second-lowest fee ${price} (${runnerUp.prover_id})`
    : `paid its own fee ${price}, the only valid reveal`;
  return won(c, winner, price, `${winner.prover_id} revealed the lowest fee ${winner.fee} of ${valid} valid reveal(s); ${paid}`);
}

/** `requester_choice`: the chosen bid (decided when the requester chose), else the `weighted` rule. */
function decideChoice(c: Closing): AuctionOutcome | null {
  const chosen = c.state.holder === null ? undefined : c.state.entries[c.state.holder];
  if (chosen?.action !== 'bid') {
    const fallback = decideWeighted(c);
    return fallback && { ...fallback, why: `the requester did not choose in time, so the weighted rule picked: ${fallback.why}` };
  }
  for (const seq of withdrawnBids(c.state)) mark(c, seq, 'rejected', 'bid_withdrawn');
  return won(c, chosen, chosen.fee, `the requester chose ${chosen.prover_id}'s bid, paid its fee ${chosen.fee}`);
}

/** `seq`s of the bids their provers withdrew (`requester_choice`); empty for other mechanisms. */
export function withdrawnBids(state: AuctionState): Set<number> {
  const out = new Set<number>();
  if (state.mechanism !== 'requester_choice') return out;
  for (const e of state.entries) {
    if (e.accepted && e.action === 'withdraw') {
      const bid = hasAccepted(state, e.prover_id, 'bid');
      if (bid) out.add(bid.seq);
    }
  }
  return out;
}

function decideRising(c: Closing, now: Date): AuctionOutcome | null {
  for (const seq of c.state.lapsed) mark(c, seq, 'lapsed', 'lock_lapsed');
  const lock = liveLock(c.state, now);
  if (!lock) return null;
  return won(c, lock, lock.fee, `${lock.prover_id} locked first, at ${lock.at.toISOString()}, when the rising price was ${lock.fee}`);
}

function noWinner(state: AuctionState, entries: readonly ExplainedEntry[]): AuctionOutcome {
  const reason = state.entries.length === 0 ? 'no_bids' : 'no_eligible_bid';
  let refused = 0;
  for (const x of entries) if (x.result === 'rejected' || x.result === 'lapsed') refused++;
  return {
    kind: 'no_winner',
    reason,
    why: reason === 'no_bids' ? 'no prover bid' : `no eligible bid: ${refused} of ${entries.length} action(s) refused or lapsed`,
  };
}
