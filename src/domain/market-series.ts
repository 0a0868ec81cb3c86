import { compareBigint, compareNumber, nearestRank, statsWindow, type StatsPeriod, type StatsRequestRow } from './analytics.ts';
import { TASK_STATUSES, type TaskStatus } from './task.ts';

/**
 * The dashboard's charts over a period, purely from rows (the clock is an input): per bucket of the period's
 * series (as `GET /v1/stats`: 5 min for 1h, 1 h for 24h, 6 h for 7d, 1 day for 30d),
 * - the requests created in the bucket, by their status now;
 * - the median clearing price per backend of the requests whose proof was verified in the bucket;
 * - the time to proof (creation → verified proof) p50 and p99 of those requests, nearest-rank;
 * - how many proofs the verifier passed and rejected in the bucket.
 * Subscription requests have no market price and are left out of prices, as in `/v1/stats`.
 */

/** One verdict of the verifier: when the proof was submitted and whether it passed. */
export interface VerdictRow {
  at: Date;
  pass: boolean;
}

export interface SeriesBucket {
  start: Date;
  end: Date;
  by_status: Record<TaskStatus, number>;
  prices: Array<{ backend: string; median: bigint }>;
  proof_p50_ms: number | null;
  proof_p99_ms: number | null;
  verified: number;
  rejected: number;
}

export interface MarketSeries {
  period: StatsPeriod;
  from: Date;
  to: Date;
  bucket_ms: number;
  /** Every backend with a price in some bucket, sorted. */
  backends: string[];
  buckets: SeriesBucket[];
}

export function computeSeries(input: { period: StatsPeriod; now: Date; requests: readonly StatsRequestRow[]; verdicts: readonly VerdictRow[] }): MarketSeries {
  const window = statsWindow(input.period, input.now);
  const from = window.from.getTime();
  const to = window.to.getTime();
  const buckets: SeriesBucket[] = Array.from({ length: window.buckets }, (_, i) => ({
    start: new Date(from + i * window.bucket_ms),
    end: new Date(from + (i + 1) * window.bucket_ms),
    by_status: Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>,
    prices: [],
    proof_p50_ms: null,
    proof_p99_ms: null,
    verified: 0,
    rejected: 0,
  }));
  const inWindow = (t: Date) => t.getTime() >= from && t.getTime() <= to;
  // the last bucket includes `now` itself
  const bucketOf = (t: Date) => Math.min(window.buckets - 1, Math.floor((t.getTime() - from) / window.bucket_ms));
  const done: StatsRequestRow[][] = buckets.map(() => []);
  for (const r of input.requests) {
    if (inWindow(r.created_at)) buckets[bucketOf(r.created_at)]!.by_status[r.status] += 1;
    if (r.status === 'completed' && r.completed_at && inWindow(r.completed_at)) done[bucketOf(r.completed_at)]!.push(r);
  }
  for (const v of input.verdicts) {
    if (!inWindow(v.at)) continue;
    const b = buckets[bucketOf(v.at)]!;
    if (v.pass) b.verified += 1;
    else b.rejected += 1;
  }
  const backends = new Set<string>();
  done.forEach((rows, i) => {
    const b = buckets[i]!;
    const latencies = rows.map((r) => r.completed_at!.getTime() - r.created_at.getTime());
    b.proof_p50_ms = nearestRank(latencies, 50, compareNumber);
    b.proof_p99_ms = nearestRank(latencies, 99, compareNumber);
    const byBackend = new Map<string, bigint[]>();
    for (const r of rows) {
      if (r.price === null || r.mechanism === 'subscription') continue;
      byBackend.set(r.backend, [...(byBackend.get(r.backend) ?? []), r.price]);
    }
    b.prices = [...byBackend].sort(([a], [c]) => a.localeCompare(c)).map(([backend, prices]) => ({ backend, median: nearestRank(prices, 50, compareBigint)! }));
    for (const p of b.prices) backends.add(p.backend);
  });
  return { period: input.period, from: window.from, to: window.to, bucket_ms: window.bucket_ms, backends: [...backends].sort(), buckets };
}
