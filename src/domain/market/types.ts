/**
 * The shared vocabulary of the market engine: who bids (`ProverProfile`), what a request asks for
 * (`RequestTerms`, `AuctionSpec`) and the closed set of reasons an action can be refused.
 *
 * Everything here is plain data: money is `bigint` base units, time is `Date`, durations are integer
 * milliseconds. Nothing in `src/domain/market/` reads a clock or a random source; they are parameters.
 */

/** Mirrors the store's prover status. Only `active` provers take new work (`busy` means "draining"). */
export type ProverStatus = 'active' | 'busy' | 'offline' | 'suspended';

/**
 * A prover as the market sees it when it acts. The caller builds it from the store at the moment of the
 * action, so `active_tasks` and `reputation` are current.
 */
export interface ProverProfile {
  prover_id: string;
  /** Proof systems it can run, e.g. `['groth16', 'plonk']`. */
  backends: readonly string[];
  /** Privacy levels it accepts; empty means every level. */
  privacy_levels: readonly number[];
  /** How many tasks it may hold at once. */
  capacity: number;
  /** Tasks it holds now (assigned or in progress). */
  active_tasks: number;
  /** 0..5 stars from `reputationOf`, or `null` when it has no history (see `NEUTRAL_STARS`). */
  reputation: number | null;
  status: ProverStatus;
}

/** A priced offer by one prover: an open bid (`weighted`, `fixed`), a revealed sealed bid, or a lock. */
export interface Bid {
  prover_id: string;
  /** Base units the prover asks to be paid. */
  fee: bigint;
  /** When the market received it; ties go to the earlier one. */
  at: Date;
}

/** The four priced mechanisms (the market prices the request by a rule). */
export const MECHANISMS = ['fixed', 'weighted', 'sealed', 'rising'] as const;
export type Mechanism = (typeof MECHANISMS)[number];
/** Every mechanism the engine runs: the four priced ones, and `requester_choice` (the requester picks a bid). */
export const AUCTION_MECHANISMS = [...MECHANISMS, 'requester_choice'] as const;
export type AuctionMechanism = (typeof AUCTION_MECHANISMS)[number];

/** `fixed`: the first eligible prover to take the request wins and is paid `max_price`. */
export interface FixedSpec {
  mechanism: 'fixed';
  /** How long the offer stands, from opening. */
  bid_window_ms: number;
}

/**
 * `weighted`: bids are collected for the window; the highest
 * `price_weight × (1 − fee/max_price) + reputation_weight × (stars/5)` wins and is paid its own fee.
 */
export interface WeightedSpec {
  mechanism: 'weighted';
  bid_window_ms: number;
  /** Default 0.7. */
  price_weight?: number;
  /** Default 0.3. */
  reputation_weight?: number;
}

/**
 * `sealed`: commitments during `bid_window_ms`, reveals during the following `reveal_window_ms`; the lowest
 * revealed fee wins and is paid the second-lowest (a Vickrey reverse auction).
 */
export interface SealedSpec {
  mechanism: 'sealed';
  bid_window_ms: number;
  reveal_window_ms: number;
}

/**
 * `rising`: a reverse Dutch auction. The offered price is `min_price` until `ramp_start_ms` after opening,
 * rises linearly to `max_price` over `ramp_period_ms`, then stays there. The first eligible prover to lock
 * wins at the price of that instant, and must deliver within `lock_timeout_ms` or lose the lock.
 */
export interface RisingSpec {
  mechanism: 'rising';
  /** Locks are taken only within this window from opening. */
  bid_window_ms: number;
  min_price: bigint;
  /** Delay after opening before the price starts to rise. */
  ramp_start_ms: number;
  ramp_period_ms: number;
  lock_timeout_ms: number;
}

/**
 * `requester_choice`: bids are collected for `bid_window_ms`; the requester lists them and picks one (during
 * bidding or the `choice_window_ms` after it), and the chosen bid wins at its own fee. Without a choice by
 * the end of the choice window, the `weighted` rule (with these weights) picks among the bids not withdrawn.
 */
export interface RequesterChoiceSpec {
  mechanism: 'requester_choice';
  bid_window_ms: number;
  choice_window_ms: number;
  /** The fallback's weights; defaults 0.7 and 0.3 as in `weighted`. */
  price_weight?: number;
  reputation_weight?: number;
}

export type AuctionSpec = FixedSpec | WeightedSpec | SealedSpec | RisingSpec | RequesterChoiceSpec;

/** What one request puts up for auction. `max_price` is what the requester escrowed. */
export interface RequestTerms {
  request_id: string;
  backend: string;
  privacy_level: number;
  max_price: bigint;
  /** 0..5 stars. A prover without history counts as `NEUTRAL_STARS`. */
  min_reputation: number;
  /** If present, only these provers may win (an empty list admits nobody). */
  allow_list?: readonly string[];
  auction: AuctionSpec;
}

/**
 * Every reason the engine refuses an action or drops a bid, so clients and tests can match on a stable
 * code. The first eight are eligibility and phase; the rest are protocol errors of one mechanism.
 */
export const REJECTION_REASONS = [
  'price_above_max', // the fee is more than the request's max_price
  'reputation_too_low', // stars (NEUTRAL_STARS without history) below min_reputation
  'capacity_full', // active_tasks >= capacity
  'backend_unsupported',
  'privacy_level_unsupported',
  'not_on_allow_list',
  'phase_closed', // the action is outside its phase (or before the auction opened, or after it closed)
  'prover_inactive', // status is not `active`
  'invalid_fee', // a negative fee
  'duplicate_bid', // this prover already has an accepted bid, commitment, reveal or lock here
  'wrong_mechanism', // e.g. a commit sent to a `weighted` auction
  'invalid_commitment', // not 64 hex characters
  'no_commitment', // a reveal from a prover with no accepted commitment
  'commitment_mismatch', // the revealed fee and nonce do not hash to the commitment
  'not_revealed', // at close: a commitment that was never (validly) revealed
  'lock_held', // rising: another prover holds the lock
  'lock_lapsed', // rising: this prover's lock ran out; it may not lock this auction again
  'prover_unknown', // at close: the lookup no longer knows the prover
  'bid_withdrawn', // requester_choice: the prover withdrew this bid (it cannot be chosen, nor win the fallback)
  'no_bid', // requester_choice: a withdrawal, or a choice, names a prover or bid with no accepted bid
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** The subset `checkEligibility` can return. */
export type EligibilityReason =
  | 'prover_inactive'
  | 'backend_unsupported'
  | 'privacy_level_unsupported'
  | 'not_on_allow_list'
  | 'reputation_too_low'
  | 'capacity_full'
  | 'price_above_max'
  | 'invalid_fee';

/**
 * Where an auction is at a given instant. `reveal` exists only for `sealed`, `locked` only for `rising`
 * (a lock is held and has not run out), `choosing` only for `requester_choice` (bidding is over, the
 * requester may still choose).
 */
export type Phase = 'bidding' | 'reveal' | 'locked' | 'choosing' | 'closed';

/**
 * An accepted, priced offer as the selection rules see it: the bid, its arrival number (`seq`, which breaks
 * ties between equal timestamps) and the prover's profile to score it with.
 */
export interface Candidate extends Bid {
  seq: number;
  prover: ProverProfile;
}

/** Earlier first: by `at`, then by arrival order. The one tie-break every mechanism uses. */
export function compareArrival(a: Pick<Candidate, 'at' | 'seq'>, b: Pick<Candidate, 'at' | 'seq'>): number {
  return a.at.getTime() - b.at.getTime() || a.seq - b.seq;
}
