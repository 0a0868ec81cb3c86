import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareBigint,
  compareNumber,
  computeStats,
  durationStats,
  isStatsPeriod,
  nearestRank,
  statsWindow,
  type StatsInput,
  type StatsProverRow,
  type StatsRequestRow,
} from './analytics.ts';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const at = (minutesAgo: number, plusMs = 0) => new Date(NOW.getTime() - minutesAgo * 60_000 + plusMs);

let n = 0;
function req(over: Partial<StatsRequestRow> & { created_at: Date }): StatsRequestRow {
  return { request_id: `r${++n}`, status: 'pending', backend: 'groth16', mechanism: 'fixed', price: null, first_assigned_at: null, completed_at: null, assigned_prover: null, ...over };
}
/** A request created `minutesAgo`, assigned `waitMs` later to `prover`, and verified `latencyMs` after creation. */
function done(minutesAgo: number, price: bigint, waitMs: number, latencyMs: number, over: Partial<StatsRequestRow> = {}): StatsRequestRow {
  const created = at(minutesAgo);
  return req({
    created_at: created,
    status: 'completed',
    price,
    first_assigned_at: new Date(created.getTime() + waitMs),
    completed_at: new Date(created.getTime() + latencyMs),
    assigned_prover: 'p1',
    ...over,
  });
}
const prover = (over: Partial<StatsProverRow> & { prover_id: string }): StatsProverRow => ({ name: null, status: 'active', capacity: 1, held: 0, reputation: null, ...over });
const input = (over: Partial<StatsInput>): StatsInput => ({
  period: '1h',
  now: NOW,
  requests: [],
  provers: [],
  settle_credits: [],
  slashes: { count: 0, amount: 0n, reversed: 0 },
  ...over,
});

test('nearest-rank percentiles: always one of the values; the median of an even count is the lower middle', () => {
  assert.equal(nearestRank([400n, 100n, 300n, 200n], 50, compareBigint), 200n);
  assert.equal(nearestRank([300n, 100n, 200n], 50, compareBigint), 200n);
  assert.equal(nearestRank([10n, 20n, 30n, 40n, 50n, 60n, 70n, 80n, 90n, 100n], 90, compareBigint), 90n);
  assert.equal(nearestRank([10n, 20n, 30n, 40n, 50n, 60n, 70n, 80n, 90n, 100n, 110n], 90, compareBigint), 100n);
  assert.equal(nearestRank([7n], 90, compareBigint), 7n);
  assert.equal(nearestRank([], 50, compareBigint), null);
  assert.equal(nearestRank([5, 1, 3], 0, compareNumber), 1);
  assert.equal(nearestRank([5, 1, 3], 100, compareNumber), 5);
  // bigints beyond 2^53 keep every digit
  const big = 2n ** 200n;
  assert.equal(nearestRank([big + 1n, big, big + 2n], 50, compareBigint), big + 1n);
});

test('duration stats: count, mean rounded to the ms, p90', () => {
  assert.deepEqual(durationStats([]), { count: 0, mean_ms: null, p90_ms: null });
  assert.deepEqual(durationStats([1000, 2000, 3000, 4000, 500]), { count: 5, mean_ms: 2100, p90_ms: 4000 });
  assert.deepEqual(durationStats([1, 2]), { count: 2, mean_ms: 2, p90_ms: 2 }); // 1.5 rounds up
});

test('periods and windows: 12 × 5 min, 24 × 1 h, 28 × 6 h, 30 × 1 day', () => {
  assert.ok(isStatsPeriod('7d'));
  assert.ok(!isStatsPeriod('2h') && !isStatsPeriod(undefined) && !isStatsPeriod('24H'));
  const w = statsWindow('1h', NOW);
  assert.equal(w.from.toISOString(), '2026-03-01T11:00:00.000Z');
  assert.equal(w.to.toISOString(), NOW.toISOString());
  assert.deepEqual([w.buckets, w.bucket_ms], [12, 300_000]);
  assert.deepEqual([statsWindow('24h', NOW).buckets, statsWindow('24h', NOW).bucket_ms], [24, 3_600_000]);
  assert.deepEqual([statsWindow('7d', NOW).buckets, statsWindow('7d', NOW).bucket_ms], [28, 21_600_000]);
  assert.deepEqual([statsWindow('30d', NOW).buckets, statsWindow('30d', NOW).bucket_ms], [30, 86_400_000]);
  const empty = computeStats(input({ period: '30d' }));
  assert.equal(empty.series.length, 30);
  assert.equal(empty.series[0]!.start.toISOString(), '2026-01-30T12:00:00.000Z');
  assert.equal(empty.series.at(-1)!.end.toISOString(), NOW.toISOString());
});

test('a known workload: statuses, success rate, prices per backend, waits, series', () => {
  const rows = [
    done(50, 100n, 1_000, 5_000), // bucket 2 (10-15 min into the hour)
    done(50, 300n, 2_000, 3_000),
    done(49, 200n, 3_000, 9_000),
    done(3, 400n, 500, 2_000, { backend: 'plonk', assigned_prover: 'p2' }), // bucket 11
    req({ created_at: at(3), status: 'failed', first_assigned_at: at(3, 4_000) }),
    req({ created_at: at(2), status: 'assigned', price: 999n, first_assigned_at: at(2, 1_000), assigned_prover: 'p2' }),
    req({ created_at: at(1) }),
    done(10, 0n, 100, 200, { mechanism: 'subscription' }), // no market price
    done(61, 5_000n, 1, 2), // before the window: ignored
    req({ created_at: at(55), status: 'failed', failure_cause: 'cancelled' }), // withdrawn: not a market failure
  ];
  const s = computeStats(input({ requests: rows }));
  assert.equal(s.requests.total, 9);
  assert.deepEqual(s.requests.by_status, { pending: 1, assigned: 1, in_progress: 0, completed: 5, failed: 2 });
  assert.equal(s.requests.cancelled, 1);
  assert.equal(s.success_rate, 5 / 6);
  assert.deepEqual(s.prices, [
    { backend: 'groth16', count: 3, median: 200n, p90: 300n },
    { backend: 'plonk', count: 1, median: 400n, p90: 400n },
  ]);
  // waits 1000, 2000, 3000, 500, 100 (completed) + 4000 (failed) + 1000 (assigned)
  assert.deepEqual(s.time_to_assignment, { count: 7, mean_ms: 1657, p90_ms: 4000 });
  // latencies 5000, 3000, 9000, 2000, 200
  assert.deepEqual(s.time_to_proof, { count: 5, mean_ms: 3840, p90_ms: 9000 });

  assert.equal(s.series.length, 12);
  const b2 = s.series[2]!;
  assert.equal(b2.start.toISOString(), '2026-03-01T11:10:00.000Z');
  assert.deepEqual([b2.created, b2.completed, b2.median_price, b2.median_latency_ms], [3, 3, 200n, 5_000]);
  const b10 = s.series[10]!;
  assert.deepEqual([b10.created, b10.completed, b10.median_price, b10.median_latency_ms], [1, 1, null, 200]); // the subscription: no price
  const b11 = s.series[11]!;
  assert.deepEqual([b11.created, b11.completed, b11.median_price, b11.median_latency_ms], [4, 1, 400n, 2_000]);
  assert.equal(s.series[1]!.created, 1); // the cancelled one, 55 minutes ago
  assert.equal(s.series.reduce((a, b) => a + b.created, 0), 9);
  assert.equal(s.series.filter((b, i) => ![1, 2, 10, 11].includes(i) && (b.created || b.completed || b.median_price !== null)).length, 0);
});

test('even counts take the lower middle; a request created at the window start counts, one a ms before does not', () => {
  const rows = [done(60, 100n, 0, 1_000), done(30, 400n, 0, 4_000), done(30, 200n, 0, 2_000), done(30, 300n, 0, 3_000), done(60, 9n, 0, 1, { created_at: at(60, -1) })];
  const s = computeStats(input({ requests: rows }));
  assert.equal(s.requests.total, 4);
  assert.equal(s.prices[0]!.median, 200n);
  assert.equal(s.prices[0]!.p90, 400n);
  assert.equal(s.series[0]!.created, 1);
  // completed at the last instant of the window: the last bucket includes `now`
  const last = computeStats(input({ requests: [done(1, 5n, 0, 60_000)] }));
  assert.equal(last.series[11]!.completed, 1);
});

test('provers: active, utilisation of the online ones, top five by reputation', () => {
  const provers = [
    prover({ prover_id: 'a', capacity: 4, held: 1, reputation: 4.234 }),
    prover({ prover_id: 'b', capacity: 2, held: 2, status: 'busy', reputation: 3 }),
    prover({ prover_id: 'c', capacity: 8, held: 0, status: 'offline', reputation: 5 }),
    prover({ prover_id: 'd', capacity: 2, reputation: null }),
    prover({ prover_id: 'e', reputation: 3, name: 'E' }),
    prover({ prover_id: 'f', reputation: 1 }),
    prover({ prover_id: 'g', reputation: 0.5 }),
  ];
  const rows = [done(5, 1n, 0, 1, { assigned_prover: 'e' }), done(5, 1n, 0, 1, { assigned_prover: 'e' }), done(5, 1n, 0, 1, { assigned_prover: 'b' })];
  const s = computeStats(input({ provers, requests: rows }));
  assert.deepEqual(s.provers, { total: 7, active: 5, busy: 1, offline: 1, suspended: 0 });
  assert.equal(s.active_provers, 6);
  assert.deepEqual(s.utilisation, { held: 3, capacity: 11, ratio: 3 / 11 });
  assert.deepEqual(
    s.top_provers.map((p) => [p.prover_id, p.reputation, p.completed]),
    [['c', 5, 0], ['a', 4.23, 0], ['e', 3, 2], ['b', 3, 1], ['f', 1, 0]],
  );
  assert.equal(s.top_provers[2]!.name, 'E');
  assert.deepEqual(computeStats(input({ provers: [provers[2]!] })).utilisation, { held: 0, capacity: 0, ratio: null });
});

test('money: fees are treasury credits of settlements, volume adds the provers\' earnings; slashes pass through', () => {
  const big = 10n ** 30n;
  const s = computeStats(input({
    settle_credits: [
      { account: 'earnings:p1', amount: 650n },
      { account: 'earnings:p2', amount: big },
      { account: 'treasury', amount: 50n },
      { account: 'escrow:alice', amount: 999n }, // not a payment to the market or a prover
      { account: 'treasury', amount: -5n }, // debits are not credits
    ],
    slashes: { count: 2, amount: 300n, reversed: 1 },
  }));
  assert.equal(s.fees, 50n);
  assert.equal(s.volume_paid, big + 700n);
  assert.deepEqual(s.slashes, { count: 2, amount: 300n, reversed: 1 });
  const onlyCancelled = computeStats(input({ requests: [req({ created_at: at(1), status: 'failed', failure_cause: 'cancelled' })] }));
  assert.equal(onlyCancelled.success_rate, null, 'nothing finished in the market');
  const none = computeStats(input({}));
  assert.deepEqual([none.fees, none.volume_paid, none.success_rate, none.prices.length, none.top_provers.length], [0n, 0n, null, 0, 0]);
});
