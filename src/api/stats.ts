// Market analytics over a period (`GET /v1/stats`, docs/market-api.md "Market analytics").
import { Type, type Static } from '@sinclair/typebox';
import { Money, Nullable, ProofSystemName, StringEnum, Timestamp } from './common.ts';
import { PROVER_STATUSES } from './provers.ts';
import { TASK_STATUSES } from './tasks.ts';

/** The windows the figures may cover (as domain/analytics.ts's STATS_PERIODS, checked by a test). */
export const STATS_PERIODS = ['1h', '24h', '7d', '30d'] as const;
export const StatsPeriod = StringEnum(STATS_PERIODS);
export type StatsPeriod = Static<typeof StatsPeriod>;

export const StatsQuery = Type.Object({ period: Type.Optional(StringEnum(STATS_PERIODS, { default: '24h' })) }, { additionalProperties: false });
export type StatsQuery = Static<typeof StatsQuery>;

const money = (description = 'Integer base units') => Money({ description });
const count = (description?: string) => Type.Integer(description ? { description } : {});

/** Count, mean and nearest-rank p90 of durations in milliseconds (null when count is 0). */
export const StatsDurations = Type.Object({
  count: count('Requests the figures are over'),
  mean_ms: Nullable(Type.Integer()),
  p90_ms: Nullable(Type.Integer()),
});
export type StatsDurations = Static<typeof StatsDurations>;

/** One bucket of the series (5 min for 1h, 1 h for 24h, 6 h for 7d, 1 day for 30d). */
export const StatsBucket = Type.Object({
  start: Timestamp(),
  end: Timestamp(),
  /** Requests created in the bucket. */
  created: Type.Integer(),
  /** Requests (created in the period) whose proof was verified in the bucket. */
  completed: Type.Integer(),
  /** Median clearing price of the requests completed in the bucket (all backends). */
  median_price: Nullable(Money(), { description: 'Integer base units' }),
  /** Median time from creation to verified proof of the requests completed in the bucket. */
  median_latency_ms: Nullable(Type.Integer()),
});
export type StatsBucket = Static<typeof StatsBucket>;

const byStatus = Type.Unsafe<Record<(typeof TASK_STATUSES)[number], number> & Record<string, number>>({
  type: 'object',
  properties: Object.fromEntries(TASK_STATUSES.map((s) => [s, { type: 'integer' }])),
  required: [...TASK_STATUSES],
  additionalProperties: { type: 'integer' },
});

/**
 * `GET /v1/stats`: market analytics over a period. Request figures cover the requests created in the period;
 * provers and utilisation are a snapshot now; money counts the ledger movements of the period. Medians and
 * p90s are nearest-rank (the median of an even count is the lower middle value).
 */
export const MarketStats = Type.Object({
  period: StatsPeriod,
  from: Timestamp(),
  to: Timestamp(),
  bucket_ms: Type.Integer(),
  requests: Type.Object(
    {
      total: Type.Integer(),
      by_status: byStatus,
      cancelled: count('Withdrawn by their requester (counted as failed in by_status)'),
    },
    { description: 'Requests created in the period, by their status now' },
  ),
  success_rate: Nullable(Type.Number(), { description: 'completed / (completed + failed), cancelled requests left out; null when none finished' }),
  prices: Type.Array(Type.Object({ backend: ProofSystemName(), count: Type.Integer(), median: money(), p90: money() }), {
    description: 'Clearing prices of the completed requests, per backend (nearest-rank; the median of an even count is the lower middle)',
  }),
  time_to_assignment: Type.Object(StatsDurations.properties, { description: 'From creation to the first assignment' }),
  time_to_proof: Type.Object(StatsDurations.properties, { description: 'From creation to the verified proof' }),
  provers: Type.Object(
    { total: Type.Integer(), active: Type.Integer(), busy: Type.Integer(), offline: Type.Integer(), suspended: Type.Integer() },
    { description: 'Registered provers by their status now' },
  ),
  active_provers: count('Provers online (active or busy)'),
  utilisation: Type.Object(
    { held: Type.Integer(), capacity: Type.Integer(), ratio: Nullable(Type.Number()) },
    { description: 'Now: tasks held by online provers / their total capacity' },
  ),
  volume_paid: money("Paid for verified proofs in the period: provers' earnings plus fees"),
  fees: money('Credited to the treasury by settlements in the period'),
  slashes: Type.Object({ count: Type.Integer(), amount: money(), reversed: Type.Integer() }),
  top_provers: Type.Array(
    Type.Object({
      prover_id: Type.String(),
      name: Nullable(Type.String()),
      reputation: Type.Number(),
      status: StringEnum(PROVER_STATUSES),
      completed: Type.Integer(),
    }),
  ),
  series: Type.Array(StatsBucket),
});
export type MarketStats = Static<typeof MarketStats>;

/** One bucket of `GET /v1/stats/series`. */
export const SeriesBucket = Type.Object({
  start: Timestamp(),
  end: Timestamp(),
  /** Requests created in the bucket, by their status now. */
  by_status: Type.Object(Object.fromEntries(TASK_STATUSES.map((s) => [s, Type.Integer()])) as Record<(typeof TASK_STATUSES)[number], ReturnType<typeof Type.Integer>>),
  /** Median clearing price per backend of the requests whose proof was verified in the bucket. */
  prices: Type.Array(Type.Object({ backend: ProofSystemName(), median: money() })),
  /** Time from creation to verified proof of those requests, nearest-rank. */
  proof_p50_ms: Nullable(Type.Integer()),
  proof_p99_ms: Nullable(Type.Integer()),
  /** Proofs the verifier passed / rejected in the bucket. */
  verified: Type.Integer(),
  rejected: Type.Integer(),
});
export type SeriesBucket = Static<typeof SeriesBucket>;

/** `GET /v1/stats/series`: the dashboard's charts over a period (the buckets of `GET /v1/stats`). */
export const MarketSeries = Type.Object({
  period: StatsPeriod,
  from: Timestamp(),
  to: Timestamp(),
  bucket_ms: Type.Integer(),
  /** Every backend with a price in some bucket. */
  backends: Type.Array(ProofSystemName()),
  buckets: Type.Array(SeriesBucket),
});
export type MarketSeries = Static<typeof MarketSeries>;
