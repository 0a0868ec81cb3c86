import { invalid } from '../errors.ts';
import { checkEligibility, effectiveStars } from './eligibility.ts';
import { fixedPrice } from './fixed.ts';
import { isCommitment, opensCommitment, pickSealed } from './sealed.ts';
import { risingCurve, risingPrice } from './rising.ts';
import { pickWeighted, weightsOf } from './weighted.ts';
import type {
  AuctionSpec,
  Candidate,
  Mechanism,
  Phase,
  ProverProfile,
  RejectionReason,
  RequestTerms,
} from './types.ts';

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
 */

interface EntryBase {
  /** Arrival number within this auction, from 0; breaks ties between equal timestamps. */
  seq: number;
  prover_id: string;
  at: Date;
  /** The profile the caller passed with the action. */
  prover: ProverProfile;
  accepted: boolean;
  /** Why it was refused when it arrived; `null` if accepted. */
  reason: RejectionReason | null;
}

/** One recorded action. For a lock, `fee` is the price offered at that instant. */
export type AuctionEntry =
  | (EntryBase & { action: 'bid'; fee: bigint })
  | (EntryBase & { action: 'commit'; commitment: string })
  | (EntryBase & { action: 'reveal'; fee: bigint; nonce: string })
  | (EntryBase & { action: 'lock'; fee: bigint; /** equal to `at` when refused */ expires_at: Date });

export type AuctionAction = AuctionEntry['action'];

export interface AuctionState {
  readonly request_id: string;
  readonly mechanism: Mechanism;
  readonly terms: RequestTerms;
  readonly opened_at: Date;
  readonly bidding_ends_at: Date;
  /** `sealed` only: the end of the reveal phase. */
  readonly reveal_ends_at: Date | null;
  /** Every action in arrival order; `entries[i].seq === i`. */
  readonly entries: readonly AuctionEntry[];
  /** `seq` of the entry holding the request: a `fixed` take (final) or a live `rising` lock. */
  readonly holder: number | null;
  /** `rising`: `seq`s of locks that ran out. */
  readonly lapsed: readonly number[];
  readonly closed: { readonly at: Date; readonly explanation: AuctionExplanation } | null;
}

/** Looks up a prover's current profile at close; `undefined` if it is gone. */
export type ProverLookup = (prover_id: string) => ProverProfile | undefined;

export type ApplyResult =
  | {
      accepted: true;
      state: AuctionState;
      entry: AuctionEntry;
      /**
       * Set when this action alone gave the prover the request (a `fixed` take, a `rising` lock): the price,
       * and for a lock the instant it runs out. The caller assigns the task now.
       */
      assigned: { price: bigint; until: Date | null } | null;
    }
  | { accepted: false; state: AuctionState; reason: RejectionReason };

/** `applyLock`'s result also reports a lock that had run out before it (see `tickAuction`). */
export type ApplyLockResult = ApplyResult & { lapsed: AuctionEntry | null };

/** How one entry fared, as the explanation reports it. */
export interface ExplainedEntry {
  seq: number;
  action: AuctionAction;
  prover_id: string;
  at: Date;
  /** The bid, revealed or lock fee; `null` for a commitment. */
  fee: bigint | null;
  /** `weighted`: the score of every bid still eligible at close; otherwise `null`. */
  score: number | null;
  /**
   * `won`; `lost` (valid but beaten); `rejected` (on arrival or at close, see `reason`); `revealed` (a
   * commitment whose reveal carries the result); `lapsed` (a rising lock that ran out).
   */
  result: 'won' | 'lost' | 'rejected' | 'revealed' | 'lapsed';
  reason: RejectionReason | null;
}

export type AuctionOutcome =
  | {
      kind: 'won';
      prover_id: string;
      /** The clearing price: what the winner is paid. */
      price: bigint;
      /** What the requester gets back of the escrowed max_price. */
      refund: bigint;
      why: string;
    }
  | {
      /** The caller re-auctions (see `nextRound`) or refunds. */
      kind: 'no_winner';
      reason: 'no_bids' | 'no_eligible_bid';
      why: string;
    };

/** Who bid, how each bid fared and why, who won and at what price. Stored with the closed state. */
export interface AuctionExplanation {
  request_id: string;
  mechanism: Mechanism;
  max_price: bigint;
  opened_at: Date;
  closed_at: Date;
  /** Closed by the caller before its windows ended and without a take or lock deciding it. */
  closed_early: boolean;
  entries: ExplainedEntry[];
  outcome: AuctionOutcome;
}

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
    entries: [],
    holder: null,
    lapsed: [],
    closed: null,
  };
}

function liveLock(state: AuctionState, now: Date): (AuctionEntry & { action: 'lock' }) | null {
  if (state.mechanism !== 'rising' || state.holder === null) return null;
  const e = state.entries[state.holder];
  return e?.action === 'lock' && now.getTime() < e.expires_at.getTime() ? e : null;
}

/** The phase at `now` (see `Phase`). Pure: it does not lapse locks, it only reads time. */
export function phaseAt(state: AuctionState, now: Date): Phase {
  const t = now.getTime();
  if (state.closed !== null || t < state.opened_at.getTime()) return 'closed';
  if (state.mechanism === 'fixed' && state.holder !== null) return 'closed';
  if (liveLock(state, now) !== null) return 'locked';
  if (t < state.bidding_ends_at.getTime()) return 'bidding';
  if (state.reveal_ends_at !== null && t < state.reveal_ends_at.getTime()) return 'reveal';
  return 'closed';
}

/**
 * The next instant after `now` at which `phaseAt` changes by time alone (a window ends, a lock runs out),
 * or `null` if none is left. The scheduler sleeps until then, calls `tickAuction`, and calls
 * `closeAuction` once `phaseAt` is `closed` (which a `fixed` take makes it at once).
 */
export function nextDeadline(state: AuctionState, now: Date): Date | null {
  if (state.closed !== null || (state.mechanism === 'fixed' && state.holder !== null)) return null;
  const t = now.getTime();
  const lock = liveLock(state, now);
  const times = [state.bidding_ends_at, state.reveal_ends_at, lock?.expires_at ?? null]
    .filter((d): d is Date => d !== null && d.getTime() > t)
    .map((d) => d.getTime());
  return times.length === 0 ? null : new Date(Math.min(...times));
}

/**
 * Lets time act: a `rising` lock that has run out at `now` is dropped and the request is open again (at
 * the current ramp price, if the window is still open). Returns the lapsed lock so the caller can free the
 * prover's capacity and return the task to pending. `applyLock` and `closeAuction` do this first (applyLock
 * reports the lapse too; a closed explanation marks it `lapsed`).
 */
export function tickAuction(state: AuctionState, now: Date): { state: AuctionState; lapsed: AuctionEntry | null } {
  if (state.mechanism !== 'rising' || state.holder === null || state.closed !== null) return { state, lapsed: null };
  if (liveLock(state, now) !== null) return { state, lapsed: null };
  const lapsed = state.entries[state.holder] ?? null;
  return { state: { ...state, holder: null, lapsed: [...state.lapsed, state.holder] }, lapsed };
}

type NewEntry = AuctionEntry extends infer E ? (E extends unknown ? Omit<E, 'seq' | 'accepted' | 'reason'> : never) : never;

function record(state: AuctionState, e: NewEntry, reason: RejectionReason | null): { state: AuctionState; entry: AuctionEntry } {
  const entry = { ...e, seq: state.entries.length, accepted: reason === null, reason } as AuctionEntry;
  return { state: { ...state, entries: [...state.entries, entry] }, entry };
}

function refuse(state: AuctionState, e: NewEntry, reason: RejectionReason): ApplyResult {
  // after close the explanation is final, so late actions are not recorded
  if (state.closed !== null) return { accepted: false, state, reason };
  return { accepted: false, state: record(state, e, reason).state, reason };
}

/**
 * A prover's accepted action of one kind, if any. Every action asks this, and closing a sealed auction asks
 * it once per commitment, so a scan of the entries would make an auction of n bids cost O(n²). The answer
 * comes from an index of accepted entries, kept per line of states (keyed by the terms object every state
 * derived from one opening shares): a state whose entries extend the ones indexed last only indexes the
 * new tail; any other state (a branch, a state read back from storage) rebuilds it. Entries are append-only,
 * so the index never answers for entries a state does not have.
 */
function hasAccepted(state: AuctionState, proverId: string, action: AuctionAction): AuctionEntry | undefined {
  const seq = acceptedIndexOf(state).get(indexKey(action, proverId));
  return seq === undefined ? undefined : state.entries[seq];
}

const indexKey = (action: AuctionAction, proverId: string) => `${action}\u0000${proverId}`;
const acceptedIndexes = new WeakMap<RequestTerms, { entries: readonly AuctionEntry[]; bySeq: Map<string, number> }>();

function acceptedIndexOf(state: AuctionState): Map<string, number> {
  const { entries } = state;
  let cached = acceptedIndexes.get(state.terms);
  const covered = cached?.entries.length ?? 0;
  const extends_ = cached !== undefined && entries.length >= covered && (covered === 0 || entries[covered - 1] === cached.entries[covered - 1]);
  if (!cached || !extends_) {
    cached = { entries: [], bySeq: new Map() };
    acceptedIndexes.set(state.terms, cached);
  }
  for (let i = cached.entries.length; i < entries.length; i++) {
    const e = entries[i]!;
    const k = indexKey(e.action, e.prover_id);
    if (e.accepted && !cached.bySeq.has(k)) cached.bySeq.set(k, e.seq);
  }
  cached.entries = entries;
  return cached.bySeq;
}

/**
 * An open bid, for `fixed` (a take) and `weighted`. One accepted bid per prover; a refused bid may be
 * retried. In `fixed` the first accepted take wins at once (`assigned` is set) and the auction closes
 * to everyone else.
 */
export function applyBid(state: AuctionState, input: { prover: ProverProfile; fee: bigint }, now: Date): ApplyResult {
  const e: NewEntry = { action: 'bid', prover_id: input.prover.prover_id, at: now, prover: input.prover, fee: input.fee };
  if (state.mechanism !== 'fixed' && state.mechanism !== 'weighted') return refuse(state, e, 'wrong_mechanism');
  if (phaseAt(state, now) !== 'bidding') return refuse(state, e, 'phase_closed');
  if (hasAccepted(state, e.prover_id, 'bid')) return refuse(state, e, 'duplicate_bid');
  const ok = checkEligibility(input.prover, state.terms, input.fee);
  if (!ok.ok) return refuse(state, e, ok.reason);
  const r = record(state, e, null);
  if (state.mechanism === 'weighted') return { accepted: true, state: r.state, entry: r.entry, assigned: null };
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

function toCandidate(e: AuctionEntry & { fee: bigint }, prover: ProverProfile): Candidate {
  return { seq: e.seq, prover_id: e.prover_id, fee: e.fee, at: e.at, prover };
}

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
  const { terms } = state;
  const max = terms.max_price;
  const entries: ExplainedEntry[] = state.entries.map((e) => ({
    seq: e.seq,
    action: e.action,
    prover_id: e.prover_id,
    at: e.at,
    fee: e.action === 'commit' ? null : e.fee,
    score: null,
    result: e.accepted ? 'lost' : 'rejected',
    reason: e.reason,
  }));
  const mark = (seq: number, result: ExplainedEntry['result'], reason: RejectionReason | null = null) => {
    const x = entries[seq];
    if (x) Object.assign(x, { result, reason });
  };
  // a bid collected over a window is checked again against the prover as it is now
  const recheck = (e: AuctionEntry & { fee: bigint }): Candidate | null => {
    if (!lookup) return toCandidate(e, e.prover);
    const current = lookup(e.prover_id);
    const ok = current === undefined ? { ok: false as const, reason: 'prover_unknown' as const } : checkEligibility(current, terms, e.fee);
    if (!ok.ok || current === undefined) {
      mark(e.seq, 'rejected', ok.ok ? 'prover_unknown' : ok.reason);
      return null;
    }
    return toCandidate(e, current);
  };

  let outcome: AuctionOutcome | null = null;
  const won = (c: { seq: number; prover_id: string }, price: bigint, why: string): AuctionOutcome => {
    mark(c.seq, 'won');
    return { kind: 'won', prover_id: c.prover_id, price, refund: max - price, why };
  };

  switch (state.mechanism) {
    case 'fixed': {
      const take = state.holder === null ? undefined : state.entries[state.holder];
      if (take) outcome = won(take, fixedPrice(terms), `${take.prover_id} was the first eligible prover to take the request, at the fixed price ${max}`);
      break;
    }
    case 'weighted': {
      const bids = state.entries.filter((e): e is AuctionEntry & { action: 'bid' } => e.accepted && e.action === 'bid');
      const candidates = bids.map(recheck).filter((c): c is Candidate => c !== null);
      const w = weightsOf(terms.auction.mechanism === 'weighted' ? terms.auction : {});
      const pick = pickWeighted(candidates, max, w);
      for (const s of pick.scored) {
        const x = entries[s.seq];
        if (x) x.score = s.score;
      }
      const c = pick.winner;
      if (c) {
        const stars = effectiveStars(c.prover.reputation);
        const rep = c.prover.reputation === null ? `no history, counted as ${stars}★` : `${stars}★`;
        const tie = pick.tied ? '; an equal score lost to this earlier bid' : '';
        outcome = won(c, c.fee, `${c.prover_id} had the highest score ${c.score.toFixed(4)} of ${candidates.length} eligible bid(s) (fee ${c.fee} of max ${max}, ${rep}; weights ${w.price_weight}/${w.reputation_weight})${tie}; paid its fee`);
      }
      break;
    }
    case 'sealed': {
      const reveals: Candidate[] = [];
      for (const e of state.entries) {
        if (!e.accepted || e.action !== 'commit') continue;
        const reveal = hasAccepted(state, e.prover_id, 'reveal');
        if (reveal?.action !== 'reveal') {
          mark(e.seq, 'rejected', 'not_revealed');
          continue;
        }
        mark(e.seq, 'revealed');
        const c = recheck(reveal);
        if (c) reveals.push(c);
      }
      const pick = pickSealed(reveals, max);
      if (pick) {
        const paid = pick.runner_up
          ? `paid the second-lowest fee ${pick.price} (${pick.runner_up.prover_id})`
          : `paid its own fee ${pick.price}, the only valid reveal`;
        outcome = won(pick.winner, pick.price, `${pick.winner.prover_id} revealed the lowest fee ${pick.winner.fee} of ${reveals.length} valid reveal(s); ${paid}`);
      }
      break;
    }
    case 'rising': {
      for (const seq of state.lapsed) mark(seq, 'lapsed', 'lock_lapsed');
      const lock = liveLock(state, now);
      if (lock) outcome = won(lock, lock.fee, `${lock.prover_id} locked first, at ${lock.at.toISOString()}, when the rising price was ${lock.fee}`);
      break;
    }
  }

  if (outcome === null) {
    const reason = state.entries.length === 0 ? 'no_bids' : 'no_eligible_bid';
    const refused = entries.filter((x) => x.result === 'rejected' || x.result === 'lapsed').length;
    outcome = {
      kind: 'no_winner',
      reason,
      why: reason === 'no_bids' ? 'no prover bid' : `no eligible bid: ${refused} of ${entries.length} action(s) refused or lapsed`,
    };
  }

  const natural = state.reveal_ends_at ?? state.bidding_ends_at;
  const decided = (state.mechanism === 'fixed' || state.mechanism === 'rising') && outcome.kind === 'won';
  const explanation: AuctionExplanation = {
    request_id: state.request_id,
    mechanism: state.mechanism,
    max_price: max,
    opened_at: state.opened_at,
    closed_at: now,
    closed_early: !decided && now.getTime() < natural.getTime(),
    entries,
    outcome,
  };
  return { state: { ...state, closed: { at: now, explanation } }, explanation };
}
