/**
 * The prover node's bidding strategy: what to do about one open auction, now. PURE: the clock (`now`) and
 * the random source (a sealed bid's nonce) are parameters, nothing here does I/O, and the same inputs give
 * the same decision, so every rule below is unit-tested without a coordinator (bidding.test.ts).
 *
 * ## Price
 *
 *   seconds  = the backend's seconds per proof (configured override, else the node's measured speed)
 *   cost     = ceil(seconds × cost_per_second)                        (base units, rounded up)
 *   fee      = max(ceil(cost × (1 + margin)), base_price)             (base units, bigint)
 *
 * `cost_per_second`, `margin` and `seconds_per_proof` can be set per backend (`BackendPricing`); the
 * margin is applied in parts per million, exactly, with bigint arithmetic, and rounded up so the node never
 * earns less than its margin. `base_price` (the price the node registered) is a floor.
 *
 * ## Rules, in the order they are checked (the first that applies decides)
 *
 * 1. `closed`: the auction's phase is `closed`, or its last window (the reveal window for `sealed`, else
 *    the bid window) has passed by `now` → skip `phase_closed`.
 * 2. Sealed reveal: a `sealed` auction in which this node committed and has not revealed yet → `reveal` once
 *    the bidding window has ended (by `now` or by the view's phase), else `wait` until it ends. A reveal does
 *    not re-check the skip rules: the commitment is already made, and the coordinator re-checks eligibility.
 * 3. Already acted: this node already sent its bid, commitment, reveal or lock for this round → skip
 *    `already_bid` (one action of each kind per prover per round; the market refuses more).
 * 4. `rising` and `locked`: held by this node → skip `already_won`; held by another → skip `lock_held`
 *    (it may lapse; the next poll looks again).
 * 5. A `sealed` auction in its reveal phase (by the view or by `now`) without a commitment from this node →
 *    skip `no_commitment`.
 * 6. Eligibility that the node can see itself: backend not served → `backend_unsupported`; privacy level
 *    not served → `privacy_level_unsupported`; an allow list without this node → `not_on_allow_list`;
 *    known stars below `min_reputation` (a node without history counts as 2.5) → `reputation_too_low`.
 * 7. Capacity full: no free proving slot (the node's capacity minus the tasks it holds and the requests it
 *    has won but not yet picked up) → skip `capacity_full`.
 * 8. Speed unknown: no seconds-per-proof for the backend (not measured, not configured) → skip
 *    `speed_unknown`: without it the node cannot price a proof.
 * 9. Price below cost: the fee (for `rising`: the target price, default the fee) is above the request's
 *    `max_price` → skip `price_below_cost`.
 * 10. Deadline too close: the work starts when this node would win — now for `fixed`, the lock instant for
 *    `rising`, the end of bidding for `weighted`, the end of the reveal for `sealed` — and needs
 *    `seconds × 1000 × time_slack + overhead_ms` (default slack 1.5, overhead 2000 ms for fetching and
 *    submitting). If that ends after the request's deadline (when known) → skip `deadline_too_close`; for
 *    `rising` also when it is longer than the lock timeout (the lock would lapse before the proof).
 * 11. The mechanism's action:
 *    - `fixed` (a take, paid max_price) and `weighted` (pay-as-bid): `bid` the fee.
 *    - `sealed`: `commit` the fee with a fresh 32-byte hex nonce (second price: bidding one's true ask is
 *      the best strategy), remembered by the caller until the reveal.
 *    - `rising`: `lock` when the price at `now` has reached the target; else `wait` until the instant it
 *      does (from the spec's ramp), or skip `target_after_window` when that instant is after the bid window.
 */
import { NEUTRAL_STARS } from '../domain/market/eligibility.ts';
import { risingPrice } from '../domain/market/rising.ts';
import { sealedCommitment } from '../domain/market/sealed.ts';
import type { AuctionView } from '../api/index.ts';

/** Per-backend overrides of the node's pricing. */
export interface BackendPricing {
  /** Base units per second of proving. */
  cost_per_second?: bigint;
  /** e.g. 0.2 for 20 %. */
  margin?: number;
  /** `rising`: lock once the price reaches this (default: the fee). */
  target_price?: bigint;
  /** Overrides the measured proving speed for this backend. */
  seconds_per_proof?: number;
}

export interface BidderState {
  prover_id: string;
  /** Backends this node proves. */
  backends: readonly string[];
  /** Privacy levels it serves; empty = all. */
  privacy_levels: readonly number[];
  /** Proving slots free now (capacity − tasks held − won requests not yet picked up). */
  free_capacity: number;
  /** Measured seconds per proof of one worker, by backend (`*`: any backend without its own entry). */
  seconds_per_proof: Readonly<Record<string, number>>;
  /** Base units per second of proving. */
  cost_per_second: bigint;
  /** e.g. 0.2 for 20 %. */
  margin: number;
  /** The registered base price: the fee is never below it. Default 0. */
  base_price?: bigint;
  backend_pricing?: Readonly<Record<string, BackendPricing>>;
  /** The node's stars if it knows them; `null` = no history (counts as NEUTRAL_STARS); undefined = unknown. */
  stars?: number | null;
  /** Proving-time safety factor (default 1.5). */
  time_slack?: number;
  /** Fixed time for fetching artifacts and submitting, ms (default 2000). */
  overhead_ms?: number;
}

/** What this node already did in one round of one auction (kept by the caller). */
export interface OwnActions {
  bid?: boolean;
  lock?: boolean;
  /** A sealed commitment: the fee and nonce to reveal. */
  commit?: { fee: bigint; nonce: string };
  revealed?: boolean;
}

export interface BidContext {
  /** The request's deadline, when known (the auction view does not carry it). */
  deadline?: Date | null;
  own?: OwnActions;
  /** Random bytes for a sealed bid's nonce (e.g. crypto.randomBytes). */
  randomBytes: (n: number) => Uint8Array;
}

export type SkipReason =
  | 'phase_closed'
  | 'already_bid'
  | 'already_won'
  | 'lock_held'
  | 'no_commitment'
  | 'backend_unsupported'
  | 'privacy_level_unsupported'
  | 'not_on_allow_list'
  | 'reputation_too_low'
  | 'capacity_full'
  | 'speed_unknown'
  | 'price_below_cost'
  | 'deadline_too_close'
  | 'target_after_window';

export type BidDecision =
  | { action: 'skip'; reason: SkipReason; detail?: string }
  | { action: 'bid'; fee: bigint }
  | { action: 'commit'; fee: bigint; nonce: string; commitment: string }
  | { action: 'reveal'; fee: bigint; nonce: string }
  | { action: 'lock'; price: bigint }
  | { action: 'wait'; until: Date; reason: 'reveal_phase' | 'price_below_target' };

const PPM = 1_000_000n;
export const DEFAULT_TIME_SLACK = 1.5;
export const DEFAULT_OVERHEAD_MS = 2000;
export const NONCE_BYTES = 32;

/** The node's effective pricing for one backend: overrides over the defaults. */
export function pricingFor(state: BidderState, backend: string): { cost_per_second: bigint; margin: number; target_price: bigint | undefined; seconds: number | undefined } {
  const o = state.backend_pricing?.[backend] ?? {};
  const measured = state.seconds_per_proof[backend] ?? state.seconds_per_proof['*'];
  return {
    cost_per_second: o.cost_per_second ?? state.cost_per_second,
    margin: o.margin ?? state.margin,
    target_price: o.target_price,
    seconds: o.seconds_per_proof ?? measured,
  };
}

const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;

/** ceil(seconds × cost_per_second), exact to the microsecond (seconds rounded up to whole µs). */
export function proofCost(seconds: number, costPerSecond: bigint): bigint {
  if (!(seconds >= 0) || !Number.isFinite(seconds)) throw new RangeError(`seconds per proof must be a finite number ≥ 0, got ${seconds}`);
  if (costPerSecond < 0n) throw new RangeError('cost_per_second must be ≥ 0');
  const micros = BigInt(Math.ceil(seconds * 1e6));
  return ceilDiv(micros * costPerSecond, PPM);
}

/** ceil(cost × (1 + margin)), the margin taken in whole parts per million (rounded up). */
export function applyMargin(cost: bigint, margin: number): bigint {
  if (!(margin >= 0) || !Number.isFinite(margin)) throw new RangeError(`margin must be a finite number ≥ 0, got ${margin}`);
  const ppm = BigInt(Math.ceil(Number((margin * 1e6).toPrecision(12))));
  return ceilDiv(cost * (PPM + ppm), PPM);
}

/** The node's fee for one proof on `backend`, or null when its speed is unknown. */
export function feeFor(state: BidderState, backend: string): bigint | null {
  const p = pricingFor(state, backend);
  if (p.seconds === undefined) return null;
  const fee = applyMargin(proofCost(p.seconds, p.cost_per_second), p.margin);
  const floor = state.base_price ?? 0n;
  return fee > floor ? fee : floor;
}

/** Milliseconds from winning to a submitted proof, with the safety factor and overhead. */
export function neededMs(state: BidderState, seconds: number): number {
  return Math.ceil(seconds * 1000 * (state.time_slack ?? DEFAULT_TIME_SLACK)) + (state.overhead_ms ?? DEFAULT_OVERHEAD_MS);
}

/**
 * The first instant the rising price is ≥ target (the inverse of `risingPrice`), or null when it never is
 * (target above max_price). Exact: the smallest integer elapsed ms with min + floor(span × e / P) ≥ target.
 */
export function risingReachesAt(a: { opened_at: Date; min_price: bigint; max_price: bigint; ramp_start_ms: number; ramp_period_ms: number }, target: bigint): Date | null {
  if (target <= a.min_price) return a.opened_at;
  if (target > a.max_price) return null;
  const rampStart = a.opened_at.getTime() + a.ramp_start_ms;
  const span = a.max_price - a.min_price;
  if (a.ramp_period_ms <= 0) return new Date(rampStart + 1);
  // min + floor(span × e / P) ≥ target  ⇔  span × e ≥ (target − min) × P  ⇔  e ≥ ceil((target − min) × P / span)
  const e = ceilDiv((target - a.min_price) * BigInt(a.ramp_period_ms), span);
  // risingPrice returns min_price at e ≤ 0 (the strict inequality): the first priced instant is e ≥ 1
  return new Date(rampStart + Math.max(1, Number(e)));
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const money = (s: string | null | undefined): bigint | null => (typeof s === 'string' && /^\d+$/.test(s) ? BigInt(s) : null);

/** The rising curve's parameters from the view, or null if the spec lacks them. */
function risingParams(a: AuctionView): { opened_at: Date; min_price: bigint; max_price: bigint; ramp_start_ms: number; ramp_period_ms: number } | null {
  const min = money(a.spec.min_price as string | undefined);
  const max = money(a.max_price);
  const start = a.spec.ramp_start_ms;
  const period = a.spec.ramp_period_ms;
  if (min === null || max === null || typeof start !== 'number' || typeof period !== 'number' || min > max) return null;
  return { opened_at: new Date(a.opened_at), min_price: min, max_price: max, ramp_start_ms: start, ramp_period_ms: period };
}

const skip = (reason: SkipReason, detail?: string): BidDecision => ({ action: 'skip', reason, ...(detail !== undefined ? { detail } : {}) });

/** The decision for one auction at `now`. See the rules in this module's comment. */
export function decideBid(auction: AuctionView, state: BidderState, now: Date, ctx: BidContext): BidDecision {
  const t = now.getTime();
  const own = ctx.own ?? {};
  const bidCloses = new Date(auction.bid_closes_at).getTime();
  const revealCloses = auction.reveal_closes_at === null ? null : new Date(auction.reveal_closes_at).getTime();

  // 1. closed
  const lastChance = auction.mechanism === 'sealed' ? (revealCloses ?? bidCloses) : bidCloses;
  if (auction.phase === 'closed' || t >= lastChance) return skip('phase_closed');

  // 2. sealed reveal
  if (auction.mechanism === 'sealed' && own.commit && !own.revealed) {
    if (auction.phase === 'reveal' || t >= bidCloses) return { action: 'reveal', fee: own.commit.fee, nonce: own.commit.nonce };
    return { action: 'wait', until: new Date(bidCloses), reason: 'reveal_phase' };
  }

  // 3. already acted
  if (own.bid || own.lock || own.commit) return skip('already_bid');

  // 4. rising, locked
  if (auction.phase === 'locked') return auction.locked_by === state.prover_id ? skip('already_won') : skip('lock_held', `held by ${auction.locked_by ?? 'another prover'}`);

  // 5. sealed reveal phase without a commitment
  if (auction.phase === 'reveal' || (auction.mechanism === 'sealed' && t >= bidCloses)) return skip('no_commitment');

  // 6. eligibility
  if (!state.backends.includes(auction.backend)) return skip('backend_unsupported', auction.backend);
  if (state.privacy_levels.length > 0 && !state.privacy_levels.includes(auction.privacy_level)) return skip('privacy_level_unsupported', `level ${auction.privacy_level}`);
  if (auction.allow_list && !auction.allow_list.includes(state.prover_id)) return skip('not_on_allow_list');
  if (state.stars !== undefined) {
    const stars = state.stars ?? NEUTRAL_STARS;
    if (stars < auction.min_reputation) return skip('reputation_too_low', `${stars.toFixed(2)} < ${auction.min_reputation}`);
  }

  // 7. capacity
  if (state.free_capacity <= 0) return skip('capacity_full');

  // 8. speed
  const pricing = pricingFor(state, auction.backend);
  const fee = feeFor(state, auction.backend);
  if (fee === null || pricing.seconds === undefined) return skip('speed_unknown', auction.backend);

  // 9. price
  const maxPrice = money(auction.max_price);
  if (maxPrice === null) return skip('price_below_cost', `unreadable max_price ${JSON.stringify(auction.max_price)}`);
  const target = auction.mechanism === 'rising' ? (pricing.target_price !== undefined && pricing.target_price > fee ? pricing.target_price : fee) : fee;
  if (target > maxPrice) return skip('price_below_cost', `${auction.mechanism === 'rising' ? 'target' : 'fee'} ${target} > max_price ${maxPrice}`);

  // 10. deadline (start = the instant the work would begin)
  const need = neededMs(state, pricing.seconds);
  const deadline = ctx.deadline ? ctx.deadline.getTime() : null;
  const tooLate = (start: number) => deadline !== null && start + need > deadline;

  // 11. the mechanism's action
  return mechanismAction(auction, state, now, ctx, { fee, target, need, tooLate });
}

/** What decideBid has worked out by rule 11: the fee, the target price, the time a proof needs, the deadline rule. */
interface Priced {
  fee: bigint;
  target: bigint;
  need: number;
  /** True when work starting at `start` (epoch ms) would end after the request's deadline. */
  tooLate: (start: number) => boolean;
}

/** Rules 10 and 11 for the auction's mechanism. */
function mechanismAction(auction: AuctionView, state: BidderState, now: Date, ctx: BidContext, p: Priced): BidDecision {
  const t = now.getTime();
  const { fee, need, tooLate } = p;
  const bidCloses = new Date(auction.bid_closes_at).getTime();
  const revealCloses = auction.reveal_closes_at === null ? null : new Date(auction.reveal_closes_at).getTime();
  switch (auction.mechanism) {
    case 'fixed':
      if (tooLate(t)) return skip('deadline_too_close', `needs ${need} ms`);
      return { action: 'bid', fee };
    case 'weighted':
      if (tooLate(Math.max(t, bidCloses))) return skip('deadline_too_close', `needs ${need} ms after the bid window`);
      return { action: 'bid', fee };
    case 'requester_choice': {
      // bid as in weighted; the requester may take until the end of the choice window to pick
      const decidedBy = auction.choice_closes_at ? new Date(auction.choice_closes_at).getTime() : bidCloses;
      if (tooLate(Math.max(t, decidedBy))) return skip('deadline_too_close', `needs ${need} ms after the choice window`);
      return { action: 'bid', fee };
    }
    case 'sealed': {
      if (tooLate(Math.max(t, revealCloses ?? bidCloses))) return skip('deadline_too_close', `needs ${need} ms after the reveal window`);
      const nonce = hex(ctx.randomBytes(NONCE_BYTES));
      return { action: 'commit', fee, nonce, commitment: sealedCommitment({ request_id: auction.request_id, prover_id: state.prover_id, fee, nonce }) };
    }
    case 'rising':
      return risingAction(auction, now, bidCloses, p);
  }
  return skip('phase_closed', `unknown mechanism ${JSON.stringify(auction.mechanism)}`);
}

/** A `rising` auction: lock once the price has reached the target, else wait for the instant it does. */
function risingAction(auction: AuctionView, now: Date, bidCloses: number, { target, need, tooLate }: Priced): BidDecision {
  const t = now.getTime();
  const lockTimeout = auction.spec.lock_timeout_ms;
  if (typeof lockTimeout === 'number' && need > lockTimeout) return skip('deadline_too_close', `needs ${need} ms, the lock lasts ${lockTimeout} ms`);
  const curve = risingParams(auction);
  let price: bigint | null;
  let reachesAt: number | null;
  if (curve) {
    price = risingPrice({ min_price: curve.min_price, max_price: curve.max_price, ramp_start: new Date(curve.opened_at.getTime() + curve.ramp_start_ms), ramp_period_ms: curve.ramp_period_ms }, now);
    reachesAt = risingReachesAt(curve, target)?.getTime() ?? null;
  } else {
    // No ramp in the view: only the price it reports, and no way to know when the target comes.
    price = money(auction.current_price);
    reachesAt = null;
  }
  if (price !== null && price >= target) {
    if (tooLate(t)) return skip('deadline_too_close', `needs ${need} ms`);
    return { action: 'lock', price };
  }
  if (reachesAt === null) return skip('price_below_cost', `the current price ${price ?? '?'} is below the target ${target}`);
  if (reachesAt >= bidCloses) return skip('target_after_window', `the price reaches ${target} only after the bid window`);
  if (tooLate(reachesAt)) return skip('deadline_too_close', `needs ${need} ms after the price reaches the target`);
  return { action: 'wait', until: new Date(Math.max(reachesAt, t + 1)), reason: 'price_below_target' };
}
