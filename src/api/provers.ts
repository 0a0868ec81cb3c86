// Provers: the seed API (/provers…) and the /v1 profiles, filters and reputation.
import { Type, type Static } from '@sinclair/typebox';
import { Address, Amount, BackendName, Id, Money, Nullable, ProofSystemName, StringEnum, Timestamp, type QueryInput } from './common.ts';

/** The statuses a prover may report about itself. */
export const PROVER_SELF_STATUSES = ['active', 'busy', 'offline'] as const;
/** The statuses the market shows: also `suspended`, which only the operator sets. */
export const PROVER_STATUSES = ['active', 'busy', 'offline', 'suspended'] as const;
export const ProverStatus = StringEnum(PROVER_STATUSES);
/** `suspended` is set by the market operator only. */
export type ProverStatus = Static<typeof ProverStatus>;
export const ProverSelfStatus = StringEnum(PROVER_SELF_STATUSES);

export const PRICE_TYPES = ['per_proof', 'subscription', 'auction'] as const;
export const PriceType = StringEnum(PRICE_TYPES);
export type PriceType = Static<typeof PriceType>;

export const ProverIdParams = Type.Object({ prover_id: Id() });
export type ProverIdParams = Static<typeof ProverIdParams>;

/** `GET /provers` (seed): one registered prover. */
export const Prover = Type.Object({
  prover_id: Type.String(),
  supported_levels: Type.Array(Type.Integer()),
  capacity: Type.Integer(),
  status: ProverStatus,
  current_load: Type.Integer(),
  active_tasks: Type.Optional(Type.Integer()),
  registered_at: Timestamp(),
  last_heartbeat: Timestamp(),
  name: Type.Optional(Type.String()),
  backends: Type.Optional(Type.Array(Type.String())),
  gpu_enabled: Type.Optional(Type.Boolean()),
  proving_speed: Type.Optional(Type.Number()),
  reward_address: Type.Optional(Type.String()),
});
export type Prover = Static<typeof Prover>;

/** `POST /provers/register` (seed, with the market's extra terms). */
export const RegisterProverRequest = Type.Object(
  {
    prover_id: Type.Optional(Id({ description: 'Optional; the server makes a UUID when omitted' })),
    supported_levels: Type.Array(Type.Integer({ minimum: 1, maximum: 255 }), { minItems: 1, maxItems: 255 }),
    capacity: Type.Integer({ minimum: 1, maximum: 10_000 }),
    name: Type.Optional(Type.String({ maxLength: 120 })),
    backends: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z0-9_-]{1,32}$' }), { maxItems: 32 })),
    gpu_enabled: Type.Optional(Type.Boolean()),
    /** Measured proofs per second. */
    proving_speed: Type.Optional(Type.Number({ minimum: 0, description: 'Measured proofs per second' })),
    reward_address: Type.Optional(Address()),
    /** The least this prover asks per proof (per month for `subscription`), base units; default "0". */
    base_price: Type.Optional(Amount({ description: 'Base units per proof (per month for subscription provers); default 0' })),
    /** Default `per_proof`. */
    price_type: Type.Optional(PriceType),
    /** `subscription` only: proofs per period; `null` = unlimited. */
    subscription_quota: Type.Optional(
      Type.Unsafe<number | null>({ type: ['integer', 'null'], minimum: 1, maximum: 100_000_000, description: 'Subscription provers: proofs per month; null = unlimited' }),
    ),
    /** 0..5 stars, seeded by the operator: a call signed by the operator's key only, else 403 operator_only. */
    reputation: Type.Optional(Type.Number({ minimum: 0, maximum: 5, description: 'Initial stars; the market operator only (a call signed by its key)' })),
    /** The market operator only: registers the prover for this owner (an EVM address); otherwise the signer owns it. */
    owner: Type.Optional(Address({ description: 'The owner, when the market operator registers a prover for someone else; otherwise the signer owns it' })),
  },
  { additionalProperties: false },
);
export type RegisterProverRequest = Static<typeof RegisterProverRequest>;

/** `POST /provers/heartbeat` (seed). */
export const HeartbeatRequest = Type.Object({
  prover_id: Id(),
  /** What a prover may say of itself (`suspended` is the operator's to set). */
  status: Type.Optional(ProverSelfStatus),
  current_load: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
});
export type HeartbeatRequest = Static<typeof HeartbeatRequest>;

export const HeartbeatResponse = Type.Object({
  prover_id: Type.String(),
  status: ProverStatus,
  last_heartbeat: Timestamp(),
});
export type HeartbeatResponse = Static<typeof HeartbeatResponse>;

/** `GET /v1/provers` query string, as the server reads it. */
export const ProverQuery = Type.Object(
  {
    backend: Type.Optional(BackendName()),
    max_price: Type.Optional(Type.String({ pattern: '^[0-9]{1,78}$' })),
    min_reputation: Type.Optional(Type.String({ pattern: '^[0-5](\\.[0-9]{1,6})?$', description: '0-5 stars' })),
    status: Type.Optional(ProverSelfStatus),
    sort: Type.Optional(StringEnum(['price', 'reputation', 'response_time'])),
  },
  { additionalProperties: false },
);
export type ProverQuery = Static<typeof ProverQuery>;
/**
 * `GET /v1/provers` filter, as the SDK takes it. Its `status` is any ProverStatus, as the SDK always typed it,
 * though the server takes only the ones a prover reports (`suspended` is a 400).
 */
export type ProverFilter = Omit<QueryInput<ProverQuery>, 'status'> & { status?: ProverStatus };

/** `GET /v1/provers`, `GET /v1/provers/:id`: a prover's market profile. */
export const ProverProfile = Type.Object(
  {
    prover_id: Type.String(),
    name: Nullable(Type.String()),
    backends: Type.Array(ProofSystemName()),
    privacy_levels: Type.Array(Type.Integer()),
    capacity: Type.Integer(),
    active_tasks: Type.Integer(),
    gpu_enabled: Type.Boolean(),
    base_price: Money(),
    price_type: PriceType,
    status: ProverStatus,
    /** Stars 0..5; `null` = no history yet. */
    reputation: Nullable(Type.Number(), { description: '0-5 stars; null without history' }),
    response_time_ms: Nullable(Type.Number()),
    proving_speed: Nullable(Type.Number()),
    registered_at: Type.String(),
    last_heartbeat: Type.String(),
    /** `subscription` provers: proofs per period (`null` = unlimited). */
    subscription_quota: Type.Optional(Nullable(Type.Integer())),
    /** The stars the market ranks with (2.5 without history). */
    effective_reputation: Type.Optional(Type.Number()),
  },
  { additionalProperties: true },
);
export type ProverProfile = Static<typeof ProverProfile>;

export const ReputationEvent = Type.Object({
  at: Timestamp(),
  task_id: Type.String(),
  success: Type.Boolean(),
  quality: Type.Number(),
  expected_ms: Type.Number(),
  actual_ms: Type.Number(),
  cause: Type.String(),
});
export type ReputationEvent = Static<typeof ReputationEvent>;

/** `GET /v1/provers/:id/reputation` */
export const ProverReputation = Type.Object({
  prover_id: Type.String(),
  stars: Nullable(Type.Number()),
  score: Nullable(Type.Number()),
  /** 0 without history (`stars` and `score` are null then). */
  success_rate: Type.Number(),
  average_quality: Type.Number(),
  time_efficiency: Type.Number(),
  total: Type.Integer(),
  successful: Type.Integer(),
  failed: Type.Integer(),
  weight: Type.Number(),
  half_life_ms: Type.Number(),
  /** Stars seeded by the operator at registration, if any. */
  seeded: Nullable(Type.Number()),
  history: Type.Array(ReputationEvent),
});
export type ProverReputation = Static<typeof ProverReputation>;
