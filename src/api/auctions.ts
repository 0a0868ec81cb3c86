// Auctions: one round of a request's auction, its explanation once closed, and the provers' actions on it.
import { Type, type Static } from '@sinclair/typebox';
import { Amount, BackendName, FreeForm, Id, Money, Nullable, NullableFreeForm, ProofSystemName, StringEnum, Timestamp, type QueryInput } from './common.ts';

export const MECHANISMS = ['fixed', 'weighted', 'sealed', 'rising', 'requester_choice'] as const;
export const Mechanism = StringEnum(MECHANISMS);
export type Mechanism = Static<typeof Mechanism>;
export const AUCTION_PHASES = ['bidding', 'reveal', 'locked', 'choosing', 'closed'] as const;
export const AuctionPhase = StringEnum(AUCTION_PHASES);
export type AuctionPhase = Static<typeof AuctionPhase>;

/** Why the market refused an action: the `code` of a 409 answer to a bid, commit, reveal or lock. */
export type AuctionRejection =
  | 'price_above_max'
  | 'reputation_too_low'
  | 'capacity_full'
  | 'backend_unsupported'
  | 'privacy_level_unsupported'
  | 'not_on_allow_list'
  | 'phase_closed'
  | 'prover_inactive'
  | 'duplicate_bid'
  | 'wrong_mechanism'
  | 'invalid_commitment'
  | 'no_commitment'
  | 'commitment_mismatch'
  | 'lock_held'
  | 'lock_lapsed'
  | 'bid_withdrawn'
  | 'no_bid';

export const RequestIdParams = Type.Object({ request_id: Id() });
export type RequestIdParams = Static<typeof RequestIdParams>;

/** How one auction entry fared. */
export const AuctionExplanationEntry = Type.Object({
  seq: Type.Integer(),
  action: StringEnum(['bid', 'commit', 'reveal', 'lock', 'withdraw']),
  prover_id: Type.String(),
  at: Timestamp(),
  /** `null` for a commitment. */
  fee: Nullable(Money()),
  /** `weighted` only. */
  score: Nullable(Type.Number()),
  result: StringEnum(['won', 'lost', 'rejected', 'revealed', 'lapsed']),
  reason: Nullable(Type.String()),
});
export type AuctionExplanationEntry = Static<typeof AuctionExplanationEntry>;

export const AuctionOutcome = Type.Union([
  Type.Object({ kind: Type.Literal('won'), prover_id: Type.String(), price: Money(), refund: Money(), why: Type.String() }),
  Type.Object({ kind: Type.Literal('no_winner'), reason: StringEnum(['no_bids', 'no_eligible_bid']), why: Type.String() }),
]);
export type AuctionOutcome = Static<typeof AuctionOutcome>;

export const AuctionExplanation = Type.Object({
  request_id: Type.String(),
  mechanism: Mechanism,
  max_price: Money(),
  opened_at: Timestamp(),
  closed_at: Timestamp(),
  closed_early: Type.Boolean(),
  entries: Type.Array(AuctionExplanationEntry),
  outcome: AuctionOutcome,
});
export type AuctionExplanation = Static<typeof AuctionExplanation>;

/** A `fixed` request's explanation once taken: it had no auction, only a first eligible taker. */
export const FixedTakeExplanation = Type.Object({
  outcome: Type.Object({ kind: Type.Literal('won'), prover_id: Type.String(), price: Money(), why: Type.String() }),
});
export type FixedTakeExplanation = Static<typeof FixedTakeExplanation>;

/** An auction's parameters as the coordinator resolved them (prices as strings). */
export const AuctionSpecView = Type.Object(
  {
    mechanism: Mechanism,
    bid_window_ms: Type.Integer(),
    reveal_window_ms: Type.Optional(Type.Integer()),
    price_weight: Type.Optional(Type.Number()),
    reputation_weight: Type.Optional(Type.Number()),
    min_price: Type.Optional(Money()),
    ramp_start_ms: Type.Optional(Type.Integer()),
    ramp_period_ms: Type.Optional(Type.Integer()),
    lock_timeout_ms: Type.Optional(Type.Integer()),
    choice_window_ms: Type.Optional(Type.Integer()),
  },
  { additionalProperties: true },
);
export type AuctionSpecView = Static<typeof AuctionSpecView> & { [key: string]: unknown };

/** `GET /v1/auctions`, `GET /v1/auctions/:request_id`: one round of a request's auction. */
export const AuctionView = Type.Object(
  {
    request_id: Type.String(),
    round: Type.Integer(),
    mechanism: Mechanism,
    phase: AuctionPhase,
    backend: ProofSystemName(),
    max_price: Money(),
    /** `rising` only: the price offered now. */
    current_price: Nullable(Money()),
    bid_closes_at: Type.String(),
    /** `sealed` only. */
    reveal_closes_at: Nullable(Type.String()),
    /** `requester_choice` only: until when the requester may choose (then the weighted rule picks). */
    choice_closes_at: Type.Optional(Nullable(Type.String())),
    locked_by: Nullable(Type.String()),
    /** Once closed. (A taken `fixed` request has only the `outcome`: see FixedTakeExplanation.) */
    explanation: NullableFreeForm(AuctionExplanation),
    privacy_level: Type.Integer(),
    program_id: Type.String(),
    min_reputation: Type.Number(),
    allow_list: Nullable(Type.Array(Type.String())),
    opened_at: Type.String(),
    spec: FreeForm(AuctionSpecView),
    /** The request's deadline. */
    deadline: Type.Optional(Type.String()),
    /** The request's priority 0..100. */
    priority: Type.Optional(Type.Integer()),
  },
  { additionalProperties: true },
);
export type AuctionView = Static<typeof AuctionView>;

/** `GET /v1/auctions` query string, as the server reads it. */
export const AuctionQuery = Type.Object(
  {
    state: Type.Optional(StringEnum(['open', 'closed'], { default: 'open' })),
    backend: Type.Optional(BackendName()),
    /** At most this many (default 200). */
    limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]{0,2}|1000)$', description: '1-1000, default 200' })),
  },
  { additionalProperties: false },
);
export type AuctionQuery = Static<typeof AuctionQuery>;
/** `GET /v1/auctions` filter, as the SDK takes it. */
export type AuctionFilter = QueryInput<AuctionQuery>;

/** `GET /v1/auctions/:request_id` query. */
export const AuctionRoundQuery = Type.Object({ round: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,5}$' })) }, { additionalProperties: false });
export type AuctionRoundQuery = Static<typeof AuctionRoundQuery>;

/** The answer to an accepted bid, commit, reveal or lock (a refusal is a 409 whose code is an AuctionRejection). */
export const AuctionActionResult = Type.Object({
  accepted: Type.Unsafe<true>({ type: 'boolean' }),
  phase: AuctionPhase,
  /** This action alone gave the prover the request (a `fixed` take, a `rising` lock). */
  assigned: Type.Boolean({ description: 'This action won the request (a fixed take, a rising lock)' }),
  /** The price it was won at, when `assigned`. */
  price: Type.Optional(Nullable(Money())),
});
export type AuctionActionResult = Static<typeof AuctionActionResult>;

export const BidInput = Type.Object({ prover_id: Id(), fee: Amount() }, { additionalProperties: false });
export type BidInput = Static<typeof BidInput>;
/** Sealed auction: commit to sha256(JSON ["proofmarket/sealed-bid/v1", request_id, prover_id, fee, nonce]). */
export const CommitInput = Type.Object({ prover_id: Id(), commitment: Type.String({ maxLength: 128 }) }, { additionalProperties: false });
export type CommitInput = Static<typeof CommitInput>;
export const RevealInput = Type.Object({ prover_id: Id(), fee: Amount(), nonce: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false });
export type RevealInput = Static<typeof RevealInput>;
export const LockInput = Type.Object({ prover_id: Id() }, { additionalProperties: false });
export type LockInput = Static<typeof LockInput>;
/** `requester_choice`: a prover withdraws its bid (it can no longer be chosen, nor win the fallback). */
export const WithdrawBidInput = Type.Object({ prover_id: Id() }, { additionalProperties: false });
export type WithdrawBidInput = Static<typeof WithdrawBidInput>;

/** A bid's id within a request's auction: `<round>-<seq>` (its round, and its arrival number in that round). */
export const BidId = (opts: { description?: string } = {}) => Type.String({ pattern: '^[1-9][0-9]{0,5}-[0-9]{1,7}$', ...opts });

/** One bid of a `requester_choice` round, with what the requester weighs it by. */
export const BidView = Type.Object({
  bid_id: BidId(),
  prover_id: Type.String(),
  prover_name: Nullable(Type.String()),
  fee: Money(),
  at: Timestamp(),
  /** The prover withdrew it: it cannot be chosen. */
  withdrawn: Type.Boolean(),
  /** 0..5 stars, `null` without history (counted as 2.5 by the rules). */
  reputation: Nullable(Type.Number()),
  /** Stake the prover has free now (it is locked on assignment), and locked in other work. */
  free_stake: Money(),
  locked_stake: Money(),
  /** What the fallback (weighted) rule scores it now; `null` when it is withdrawn or not eligible. */
  score: Nullable(Type.Number()),
  /** Whether choosing it would be accepted now, and why not. */
  eligible: Type.Boolean(),
  reason: Nullable(Type.String()),
});
export type BidView = Static<typeof BidView>;

/** `GET /v1/auctions/:request_id/bids`: the bids of a `requester_choice` request's current round. */
export const BidList = Type.Object({
  request_id: Type.String(),
  round: Type.Integer(),
  mechanism: Mechanism,
  phase: AuctionPhase,
  bid_closes_at: Timestamp(),
  choice_closes_at: Nullable(Timestamp()),
  max_price: Money(),
  bids: Type.Array(BidView),
});
export type BidList = Static<typeof BidList>;

/** `POST /v1/auctions/:request_id/choice`, signed by the requester. */
export const ChoiceInput = Type.Object({ bid_id: BidId({ description: 'the id GET /v1/auctions/{request_id}/bids shows, <round>-<seq>' }) }, { additionalProperties: false });
export type ChoiceInput = Static<typeof ChoiceInput>;

export const ChoiceResult = Type.Object({ request_id: Type.String(), bid_id: Type.String(), prover_id: Type.String(), price: Money() });
export type ChoiceResult = Static<typeof ChoiceResult>;
