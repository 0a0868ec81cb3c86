import { TASK_STATUSES, type TaskStatus } from './task.ts';

/**
 * Market analytics: the figures of `GET /v1/stats`, computed purely from the rows the store read for one
 * period (no I/O; `now` is an input).
 *
 * **Population.** The request figures describe the *cohort* of requests created in the window
 * `[now − period, now]`: their current status, their success rate, the prices they cleared at, how long
 * they waited. A request created before the window that completes inside it is not counted (it belongs to
 * an earlier period's cohort). Prover figures (active provers, utilisation, top provers) are a snapshot at
 * `now`; ledger figures (volume, fees, slashes) count the movements dated inside the window.
 *
 * **Success rate** is completed / (completed + failed), leaving out the requests their requester cancelled
 * (stored as `failed`, with the cause `cancelled`): a withdrawal is not a failure of the market.
 *
 * **Percentiles** are nearest-rank, the same rule as the order book's `percentile`: the smallest value with
 * at least p% of the values at or below it, `sorted[ceil(p/100 × n) − 1]`. It is always one of the values,
 * so a price stays a whole amount; the **median** (p50) of an even count is therefore the *lower* middle
 * value (the median of 100, 200, 300, 400 is 200). Means of durations are rounded to the millisecond.
 *
 * **Utilisation** is a snapshot: tasks held now (assigned or in progress) by the provers online (`active`
 * or `busy`), divided by the total capacity of those provers. `null` when no prover is online.
 *
 * @example
 * const stats = computeStats({ period: '24h', now, requests, provers, settle_credits, slashes });
 * stats.success_rate; // 0.8 = 4 completed / (4 completed + 1 failed)
 */

/** `suspended`: set by the market operator; such a prover takes no work. */
export type ProverState = 'active' | 'busy' | 'offline' | 'suspended';

/** The periods `GET /v1/stats` accepts, shortest first. */
export const STATS_PERIODS = ['1h', '24h', '7d', '30d'] as const;
export type StatsPeriod = (typeof STATS_PERIODS)[number];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Each period's length and the width of its series buckets (12, 24, 28 and 30 buckets). */
export const PERIOD_SPANS: Readonly<Record<StatsPeriod, { duration_ms: number; bucket_ms: number }>> = {
  '1h': { duration_ms: HOUR, bucket_ms: 5 * MINUTE },
  '24h': { duration_ms: DAY, bucket_ms: HOUR },
  '7d': { duration_ms: 7 * DAY, bucket_ms: 6 * HOUR },
  '30d': { duration_ms: 30 * DAY, bucket_ms: DAY },
};

export function isStatsPeriod(value: unknown): value is StatsPeriod {
  return typeof value === 'string' && (STATS_PERIODS as readonly string[]).includes(value);
}

/** The window of a period ending at `now`: `[from, to]`, both ends included. */
export function statsWindow(period: StatsPeriod, now: Date): { from: Date; to: Date; bucket_ms: number; buckets: number } {
  const { duration_ms, bucket_ms } = PERIOD_SPANS[period];
  return { from: new Date(now.getTime() - duration_ms), to: new Date(now.getTime()), bucket_ms, buckets: duration_ms / bucket_ms };
}

// ── inputs ─────────────────────────────────────────────────────────────────────────────────────────

/** One request created in the window, with the times read from its history. */
export interface StatsRequestRow {
  request_id: string;
  status: TaskStatus;
  backend: string;
  /** `fixed`, `weighted`, `sealed`, `rising` or `subscription` (no market price: left out of prices). */
  mechanism: string;
  /** The clearing price (set while assigned and once completed). */
  price: bigint | null;
  created_at: Date;
  /** Its first assignment (null: never assigned). */
  first_assigned_at: Date | null;
  /** When its proof was verified (null: not completed). */
  completed_at: Date | null;
  /** Who holds it, or who proved it once completed. */
  assigned_prover: string | null;
  /** Why it failed, when it did (`cancelled`: its requester withdrew it; not a failure of the market). */
  failure_cause?: string | null;
}

/** A prover as it stands now. */
export interface StatsProverRow {
  prover_id: string;
  name: string | null;
  status: ProverState;
  capacity: number;
  /** Tasks it holds now (assigned or in progress). */
  held: number;
  /** Cached reputation stars, 0..5 (null: no history yet). */
  reputation: number | null;
}

/** What `settle` movements dated in the window credited (positive entries) to one account, summed. */
export interface StatsSettleCredit {
  account: string;
  amount: bigint;
}

/** Slashes dated in the window: those standing, their total, and how many were reversed. */
export interface StatsSlashRows {
  count: number;
  amount: bigint;
  reversed: number;
}

export interface StatsInput {
  period: StatsPeriod;
  now: Date;
  requests: readonly StatsRequestRow[];
  provers: readonly StatsProverRow[];
  settle_credits: readonly StatsSettleCredit[];
  slashes: StatsSlashRows;
}

// ── outputs ────────────────────────────────────────────────────────────────────────────────────────

export interface PriceStats {
  backend: string;
  /** Completed requests of this backend with a market price. */
  count: number;
  median: bigint;
  p90: bigint;
}

export interface DurationStats {
  /** How many requests the figures are over. */
  count: number;
  mean_ms: number | null;
  p90_ms: number | null;
}

export interface StatsBucket {
  start: Date;
  end: Date;
  /** Requests created in the bucket. */
  created: number;
  /** Requests (of the cohort) whose proof was verified in the bucket. */
  completed: number;
  /** Median clearing price of the requests completed in the bucket, all backends together. */
  median_price: bigint | null;
  /** Median time from creation to verified proof of the requests completed in the bucket. */
  median_latency_ms: number | null;
}

export interface TopProver {
  prover_id: string;
  name: string | null;
  reputation: number;
  status: ProverState;
  /** Requests of the period's cohort it completed. */
  completed: number;
}

export interface MarketStats {
  period: StatsPeriod;
  from: Date;
  to: Date;
  bucket_ms: number;
  /** `cancelled`: requests withdrawn by their requester (stored as `failed`, counted there too). */
  requests: { total: number; by_status: Record<TaskStatus, number>; cancelled: number };
  /** completed / (completed + failed), cancelled requests left out; null when none has finished. */
  success_rate: number | null;
  /** Per backend, by name. */
  prices: PriceStats[];
  time_to_assignment: DurationStats;
  time_to_proof: DurationStats;
  provers: { total: number } & Record<ProverState, number>;
  /** Provers online: active or busy. */
  active_provers: number;
  utilisation: { held: number; capacity: number; ratio: number | null };
  /** What requesters paid for verified proofs: the provers' earnings plus the market's fees. */
  volume_paid: bigint;
  fees: bigint;
  slashes: StatsSlashRows;
  /** The five provers with the highest reputation (provers without history are left out). */
  top_provers: TopProver[];
  series: StatsBucket[];
}

export const TOP_PROVERS = 5;
export const TREASURY_ACCOUNT = 'treasury';
export const EARNINGS_PREFIX = 'earnings:';

// ── the computation ────────────────────────────────────────────────────────────────────────────────

/** Every figure of `GET /v1/stats` from the rows of one period. Rows outside the window are ignored. */
export function computeStats(input: StatsInput): MarketStats {
  const window = statsWindow(input.period, input.now);
  const from = window.from.getTime();
  const to = window.to.getTime();
  const cohort = input.requests.filter((r) => r.created_at.getTime() >= from && r.created_at.getTime() <= to);
  const { by_status, cancelled, finished } = countByStatus(cohort);
  const completed = cohort.filter((r) => r.status === 'completed' && r.completed_at !== null);
  const waits = cohort.filter((r) => r.first_assigned_at !== null).map((r) => r.first_assigned_at!.getTime() - r.created_at.getTime());
  const online = input.provers.filter((p) => p.status === 'active' || p.status === 'busy');
  const held = online.reduce((n, p) => n + p.held, 0);
  const capacity = online.reduce((n, p) => n + p.capacity, 0);
  const { fees, earnings } = settledTotals(input.settle_credits);

  return {
    period: input.period,
    from: window.from,
    to: window.to,
    bucket_ms: window.bucket_ms,
    requests: { total: cohort.length, by_status, cancelled },
    success_rate: finished === 0 ? null : by_status.completed / finished,
    prices: pricesByBackend(completed),
    time_to_assignment: durationStats(waits),
    time_to_proof: durationStats(completed.map(latency)),
    provers: countProvers(input.provers),
    active_provers: online.length,
    utilisation: { held, capacity, ratio: capacity === 0 ? null : held / capacity },
    volume_paid: earnings + fees,
    fees,
    slashes: { ...input.slashes },
    top_provers: topProvers(input.provers, completed),
    series: seriesOf(window, cohort, completed),
  };
}

/** A request whose clearing price counts in the price figures (subscriptions have no market price). */
const priced = (r: StatsRequestRow): r is StatsRequestRow & { price: bigint } => r.price !== null && r.mechanism !== 'subscription';
/** Creation to verified proof, of a completed request. */
const latency = (r: StatsRequestRow) => r.completed_at!.getTime() - r.created_at.getTime();

/** The cohort by status; `finished` is what the success rate divides by (cancelled requests left out). */
function countByStatus(cohort: readonly StatsRequestRow[]): { by_status: Record<TaskStatus, number>; cancelled: number; finished: number } {
  const by_status = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
  // a status this module does not know yet is counted under its own name
  for (const r of cohort) by_status[r.status] = (by_status[r.status] ?? 0) + 1;
  const cancelled = cohort.filter((r) => r.status === 'failed' && r.failure_cause === 'cancelled').length;
  return { by_status, cancelled, finished: by_status.completed + by_status.failed - cancelled };
}

/** Median and p90 clearing price of the completed requests, per backend, by backend name. */
function pricesByBackend(completed: readonly StatsRequestRow[]): PriceStats[] {
  const byBackend = new Map<string, bigint[]>();
  for (const r of completed.filter(priced)) {
    const list = byBackend.get(r.backend) ?? [];
    list.push(r.price);
    byBackend.set(r.backend, list);
  }
  return [...byBackend.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([backend, list]) => ({ backend, count: list.length, median: nearestRank(list, 50, compareBigint)!, p90: nearestRank(list, 90, compareBigint)! }));
}

/** The market's fees (credited to the treasury) and the provers' earnings, from the settle credits. */
function settledTotals(credits: readonly StatsSettleCredit[]): { fees: bigint; earnings: bigint } {
  let fees = 0n;
  let earnings = 0n;
  for (const c of credits) {
    if (c.amount <= 0n) continue;
    if (c.account === TREASURY_ACCOUNT) fees += c.amount;
    else if (c.account.startsWith(EARNINGS_PREFIX)) earnings += c.amount;
  }
  return { fees, earnings };
}

function countProvers(provers: readonly StatsProverRow[]): MarketStats['provers'] {
  return {
    total: provers.length,
    active: provers.filter((p) => p.status === 'active').length,
    busy: provers.filter((p) => p.status === 'busy').length,
    offline: provers.filter((p) => p.status === 'offline').length,
    suspended: provers.filter((p) => p.status === 'suspended').length,
  };
}

/** The provers with the highest reputation, then the most completed requests of the cohort. */
function topProvers(provers: readonly StatsProverRow[], completed: readonly StatsRequestRow[]): TopProver[] {
  const completedBy = new Map<string, number>();
  for (const r of completed) if (r.assigned_prover !== null) completedBy.set(r.assigned_prover, (completedBy.get(r.assigned_prover) ?? 0) + 1);
  return provers
    .filter((p): p is StatsProverRow & { reputation: number } => p.reputation !== null)
    .map((p) => ({ prover_id: p.prover_id, name: p.name, reputation: Math.round(p.reputation * 100) / 100, status: p.status, completed: completedBy.get(p.prover_id) ?? 0 }))
    .sort((a, b) => b.reputation - a.reputation || b.completed - a.completed || (a.prover_id < b.prover_id ? -1 : 1))
    .slice(0, TOP_PROVERS);
}

/** The period's buckets: requests created in each, and the completed ones with their median price and latency. */
function seriesOf(window: ReturnType<typeof statsWindow>, cohort: readonly StatsRequestRow[], completed: readonly StatsRequestRow[]): StatsBucket[] {
  const from = window.from.getTime();
  const to = window.to.getTime();
  const series: StatsBucket[] = Array.from({ length: window.buckets }, (_, i) => ({
    start: new Date(from + i * window.bucket_ms),
    end: new Date(from + (i + 1) * window.bucket_ms),
    created: 0,
    completed: 0,
    median_price: null,
    median_latency_ms: null,
  }));
  // the last bucket includes `now` itself
  const bucketOf = (t: Date) => Math.min(window.buckets - 1, Math.floor((t.getTime() - from) / window.bucket_ms));
  for (const r of cohort) series[bucketOf(r.created_at)]!.created += 1;
  const done = new Map<number, StatsRequestRow[]>();
  for (const r of completed) {
    if (r.completed_at!.getTime() > to) continue;
    const i = bucketOf(r.completed_at!);
    const rows = done.get(i);
    if (rows) rows.push(r);
    else done.set(i, [r]);
  }
  for (const [i, rows] of done) {
    const bucket = series[i]!;
    bucket.completed = rows.length;
    bucket.median_price = nearestRank(rows.filter(priced).map((r) => r.price), 50, compareBigint);
    bucket.median_latency_ms = nearestRank(rows.map(latency), 50, compareNumber);
  }
  return series;
}

/** Count, mean (rounded to the millisecond) and nearest-rank p90 of durations. */
export function durationStats(durationsMs: readonly number[]): DurationStats {
  if (durationsMs.length === 0) return { count: 0, mean_ms: null, p90_ms: null };
  const sum = durationsMs.reduce((a, b) => a + b, 0);
  return { count: durationsMs.length, mean_ms: Math.round(sum / durationsMs.length), p90_ms: nearestRank(durationsMs, 90, compareNumber) };
}

/**
 * The nearest-rank percentile `p` (0..100) of `values`: `sorted[max(1, ceil(p/100 × n)) − 1]`, always one
 * of the values; `null` when there are none. The median of an even count is the lower middle value.
 *
 * @example nearestRank([400n, 100n, 300n, 200n], 50, compareBigint) // 200n
 */
export function nearestRank<T>(values: readonly T[], p: number, compare: (a: T, b: T) => number): T | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort(compare);
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export const compareBigint = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
export const compareNumber = (a: number, b: number) => a - b;
