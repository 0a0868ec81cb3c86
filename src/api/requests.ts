// Requests: a proof request with market terms (program, backend, price, reputation floor, auction).
import { Type, type Static } from '@sinclair/typebox';
import { Amount, BackendName, FreeForm, Id, Money, Nullable, NullableFreeForm, ProofSystemName, StringEnum } from './common.ts';
import { AuctionView, MECHANISMS } from './auctions.ts';
import { TaskHistoryEntry } from './tasks.ts';

/** Priority names and the 0..100 values they stand for (the seed API takes the integer itself). */
export const PRIORITIES = { low: 25, normal: 50, high: 75, urgent: 100 } as const;
export type PriorityName = keyof typeof PRIORITIES;

export const REQUEST_STATUSES = ['pending', 'assigned', 'in_progress', 'completed', 'failed', 'expired'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

const windowMs = (minimum: number) => Type.Integer({ minimum, maximum: 604_800_000 });

/** A request's auction terms; every parameter but the mechanism is optional (the coordinator's defaults). */
export const AuctionTerms = Type.Object(
  {
    mechanism: StringEnum(MECHANISMS),
    bid_window_ms: Type.Optional(windowMs(1)),
    /** `sealed` */
    reveal_window_ms: Type.Optional(windowMs(1)),
    /** `weighted` */
    price_weight: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
    /** `weighted` */
    reputation_weight: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
    /** `rising` */
    min_price: Type.Optional(Amount()),
    /** `rising` */
    ramp_start_ms: Type.Optional(windowMs(0)),
    /** `rising` */
    ramp_period_ms: Type.Optional(windowMs(0)),
    /** `rising` */
    lock_timeout_ms: Type.Optional(windowMs(1)),
    /** `requester_choice`: how long after bidding the requester may still choose */
    choice_window_ms: Type.Optional(windowMs(1)),
  },
  { additionalProperties: false, description: 'The mechanism and its parameters; omitted parameters take the documented defaults' },
);
export type AuctionTerms = Static<typeof AuctionTerms>;

/** How a round without a winner is relaxed for the next one. */
export const ReauctionPolicy = Type.Object(
  {
    max_price_step: Type.Optional(Amount()),
    max_price_ceiling: Type.Optional(Amount()),
    min_reputation_step: Type.Optional(Type.Number({ minimum: 0, maximum: 5 })),
    min_reputation_floor: Type.Optional(Type.Number({ minimum: 0, maximum: 5 })),
  },
  {
    additionalProperties: false,
    description: 'How to relax the terms after a round without a winner; without it such a request expires and is refunded at once',
  },
);
export type ReauctionPolicy = Static<typeof ReauctionPolicy>;

/** `POST /v1/requests` */
export const SubmitRequestInput = Type.Object(
  {
    request_id: Type.Optional(Id({ description: 'Optional; the server makes a UUID when omitted' })),
    /** Who pays: a signed call acts for its signer (omit it, or give the signer's address); unsigned (--open) names it. */
    requester: Type.Optional(Id({ description: 'Who pays; a signed call acts for its signer (this may be omitted or must equal it)' })),
    /** The program to prove; or give `model` instead. */
    program_id: Type.Optional(Id({ description: 'The program to prove (or give model instead)' })),
    /** zkML: a model version's id `name:version` (GET /v1/models), or a name (its latest version); the backend is then ezkl. */
    model: Type.Optional(Id({ description: 'zkML: prove an inference of this model version (name:version, or a name for its latest version) instead of naming a program_id' })),
    /** base64 of the input bytes */
    input: Type.String({ maxLength: 1_400_000, description: 'The input bytes, base64' }),
    backend: BackendName(),
    /** 1..255, default 1 */
    privacy_level: Type.Optional(Type.Integer({ minimum: 1, maximum: 255, default: 1 })),
    /** low = 25, normal = 50 (default), high = 75, urgent = 100, or 0..100 */
    priority: Type.Optional(
      Type.Unsafe<PriorityName | number>({
        anyOf: [{ type: 'string', enum: Object.keys(PRIORITIES) }, { type: 'integer', minimum: 0, maximum: 100 }],
        description: 'low=25, normal=50, high=75, urgent=100, or 0-100',
      }),
    ),
    max_price: Amount(),
    /** Stake the winner must have free, locked while it holds the request and slashed if it misses its deadline (default 0). */
    min_stake: Type.Optional(Amount({ description: 'Stake the winner must have free; locked while it holds the request, slashed if it misses its deadline (default 0)' })),
    /** 0..5, default 0 */
    min_reputation: Type.Optional(Type.Number({ minimum: 0, maximum: 5 })),
    /** Minutes; default the coordinator's. */
    deadline: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 525_600, description: 'Minutes from now' })),
    /** Default `{ mechanism: 'fixed' }`. */
    auction: Type.Optional(AuctionTerms),
    allow_list: Type.Optional(Type.Array(Id(), { maxItems: 1000 })),
    reauction: Type.Optional(ReauctionPolicy),
    subscription_id: Type.Optional(Id()),
    on_exhausted: Type.Optional(StringEnum(['error', 'market'], { default: 'error' })),
  },
  { additionalProperties: false },
);
export type SubmitRequestInput = Static<typeof SubmitRequestInput>;

/** `POST /v1/requests`, `GET /v1/requests/:id` */
export const RequestView = Type.Object(
  {
    request_id: Type.String(),
    requester: Type.String(),
    min_stake: Money(),
    program_id: Type.String(),
    backend: ProofSystemName(),
    status: StringEnum(REQUEST_STATUSES),
    max_price: Money(),
    /** The clearing price once won. */
    price: Nullable(Money()),
    assigned_prover: Nullable(Type.String()),
    /** `fixed`, `weighted`, `sealed`, `rising`, or `subscription`. */
    mechanism: Type.String(),
    /** The auction round the request is in (0 for `fixed`: no rounds). */
    round: Type.Integer(),
    privacy_level: Type.Integer(),
    priority: Type.Integer(),
    min_reputation: Type.Number(),
    deadline: Type.String(),
    allow_list: Nullable(Type.Array(Type.String())),
    created_at: Type.String(),
    /** The public signals a correct proof of this request must carry (computed by the coordinator from the input). */
    public_signals: Type.Optional(Type.Array(Type.String(), { description: 'The public signals a correct proof must carry' })),
    auction: NullableFreeForm(AuctionView),
    history: Type.Array(FreeForm(TaskHistoryEntry)),
    /** The CID of the audit record written when the request settled (GET /v1/artifacts/{cid}; `proofmarket audit`); null before. */
    audit_cid: Nullable(Type.String()),
    /** Settled on ProofMarket (serve --chain-rpc): the request there, as the coordinator's indexer last saw it. */
    chain: Type.Optional(
      Type.Object(
        {
          request_id: Type.String({ description: 'ProofMarket\'s id: keccak256 of the request id' }),
          status: StringEnum(['open', 'locked', 'fulfilled', 'refunded', 'cancelled'] as const),
          prover: Nullable(Type.String()),
          price: Nullable(Money()),
          created_tx: Type.String(),
          settled_tx: Nullable(Type.String({ description: 'The fulfill, cancel or refund transaction' })),
        },
        { description: 'The request on ProofMarket, as the indexer last saw it (chain mode only)' },
      ),
    ),
  },
  { additionalProperties: true },
);
export type RequestView = Static<typeof RequestView>;

/** `GET /v1/requests` query string: filters (combined with AND), newest first, paged by offset. */
export const RequestListQuery = Type.Object(
  {
    status: Type.Optional(StringEnum(REQUEST_STATUSES)),
    requester: Type.Optional(Id()),
    program_id: Type.Optional(Id()),
    backend: Type.Optional(BackendName()),
    /** The prover holding it, or that proved it. */
    prover: Type.Optional(Id({ description: 'The prover holding it, or that proved it' })),
    /** Created at or after (RFC 3339). */
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Created at or after (RFC 3339)' })),
    /** Created at or before (RFC 3339). */
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Created at or before (RFC 3339)' })),
    /** Text: the start of a request id, requester, program id or prover id. */
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'The start of a request id, requester, program id or prover id' })),
    offset: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$', description: 'Rows to skip (default 0)' })),
    limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]{0,2}|1000)$', description: '1-1000, default 100' })),
  },
  { additionalProperties: false },
);
export type RequestListQuery = Static<typeof RequestListQuery>;
/** `GET /v1/requests` filter, as the SDK takes it. */
export type RequestListFilter = { [K in keyof RequestListQuery]?: RequestListQuery[K] | (K extends 'offset' | 'limit' ? number : never) };

/** One row of `GET /v1/requests`: a request's terms and state, without its history. */
export const RequestSummary = Type.Object({
  request_id: Type.String(),
  requester: Type.String(),
  program_id: Type.String(),
  backend: ProofSystemName(),
  status: StringEnum(REQUEST_STATUSES),
  mechanism: Type.String(),
  max_price: Money(),
  price: Nullable(Money()),
  assigned_prover: Nullable(Type.String()),
  round: Type.Integer(),
  attempts: Type.Integer(),
  created_at: Type.String(),
  updated_at: Type.String(),
});
export type RequestSummary = Static<typeof RequestSummary>;

/** `GET /v1/requests`: one page, and how many requests match in all. */
export const RequestList = Type.Object({
  total: Type.Integer({ description: 'Requests matching the filters' }),
  offset: Type.Integer(),
  items: Type.Array(RequestSummary),
});
export type RequestList = Static<typeof RequestList>;
