import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeSeries } from './market-series.ts';
import type { StatsRequestRow } from './analytics.ts';

const now = new Date('2026-03-01T12:00:00.000Z');
const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000);
const row = (o: Partial<StatsRequestRow> & Pick<StatsRequestRow, 'created_at' | 'status'>): StatsRequestRow => ({
  request_id: Math.random().toString(36).slice(2), backend: 'groth16', mechanism: 'fixed', price: null, first_assigned_at: null,
  completed_at: null, assigned_prover: null, ...o,
});

test('series: statuses by creation bucket, prices per backend, p50/p99 time to proof and verdicts by completion bucket', () => {
  const s = computeSeries({
    period: '1h',
    now,
    requests: [
      row({ created_at: at(58), status: 'completed', completed_at: at(52), price: 100n }),
      row({ created_at: at(57), status: 'completed', completed_at: at(51), price: 300n, backend: 'plonk' }),
      row({ created_at: at(56), status: 'completed', completed_at: at(53), price: 200n }),
      row({ created_at: at(59), status: 'failed' }),
      row({ created_at: at(2), status: 'pending' }),
      row({ created_at: at(61), status: 'completed', completed_at: at(1), price: 999n, mechanism: 'subscription' }),
      row({ created_at: at(90), status: 'pending' }),
    ],
    verdicts: [{ at: at(52), pass: true }, { at: at(53), pass: false }, { at: at(0), pass: true }, { at: at(70), pass: false }],
  });
  assert.equal(s.buckets.length, 12);
  assert.deepEqual(s.backends, ['groth16', 'plonk']);
  const first = s.buckets[0]!;
  assert.deepEqual(first.by_status, { pending: 0, assigned: 0, in_progress: 0, completed: 3, failed: 1 });
  assert.equal(s.buckets[11]!.by_status.pending, 1);
  const second = s.buckets[1]!; // 55..50 minutes ago: the three verified proofs
  assert.deepEqual(second.prices, [{ backend: 'groth16', median: 100n }, { backend: 'plonk', median: 300n }]);
  assert.equal(second.proof_p50_ms, 6 * 60_000);
  assert.equal(second.proof_p99_ms, 6 * 60_000);
  assert.deepEqual([second.verified, second.rejected], [1, 1]);
  const last = s.buckets[11]!;
  assert.deepEqual(last.prices, [], 'a subscription has no market price');
  assert.equal(last.proof_p99_ms, 60 * 60_000, 'created before the window, completed in it');
  assert.equal(last.verified, 1);
  assert.equal(s.buckets.reduce((n, b) => n + b.rejected, 0), 1, 'a verdict before the window is not counted');
});
