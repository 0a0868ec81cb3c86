import { test } from 'node:test';
import assert from 'node:assert/strict';
import { percentile, summarize } from './report.ts';
import { DEMO_ROUTES, demoProvers, demoWorkload, seededRandom } from './workload.ts';
import { rangeProofInput } from '../proofs/builtin/range-proof.ts';
import { DATA_COMMITMENT_MAX_BYTES } from '../proofs/builtin/data-commitment.ts';
import type { TaskDetail } from '../api/index.ts';

test('the workload covers every program and system first, is deterministic, and every input is valid', () => {
  const a = demoWorkload(30, seededRandom(42));
  assert.deepEqual(a, demoWorkload(30, seededRandom(42)));
  assert.deepEqual(a.slice(0, 5).map((t) => t.privacy_level), [1, 4, 5, 6, 7]);
  const combos = new Set(a.map((t) => DEMO_ROUTES.find((r) => t.privacy_level >= r.from && t.privacy_level <= r.to)).map((r) => `${r!.program}/${r!.system}`));
  assert.equal(combos.size, 5);
  assert.equal(a.filter((t) => t.privacy_level === 7).length, 1, 'one slow PLONK commitment');
  for (const t of a) {
    const route = DEMO_ROUTES.find((r) => t.privacy_level >= r.from && t.privacy_level <= r.to)!;
    if (route.program === 'range-proof') assert.doesNotThrow(() => rangeProofInput(JSON.parse(Buffer.from(t.circuit_data).toString())));
    else assert.ok(t.circuit_data.length <= DATA_COMMITMENT_MAX_BYTES);
    assert.match(String(t.reward_amount), /^\d+$/);
  }
});

test('demo provers: different capacities and levels; the last ones are faulty', () => {
  const p = demoProvers(3, 1);
  assert.deepEqual(p.map((x) => [x.capacity, x.faulty]), [[2, false], [1, false], [1, true]]);
  assert.notDeepEqual(p[0]!.levels, p[1]!.levels);
  assert.equal(demoProvers(5, 2).filter((x) => x.faulty).length, 2);
});

test('percentile is nearest-rank', () => {
  assert.equal(percentile([], 50), 0);
  assert.equal(percentile([5], 99), 5);
  assert.equal(percentile([1, 2, 3, 4], 50), 2);
  assert.equal(percentile([1, 2, 3, 4], 99), 4);
});

test('the summary counts from the market records: completions, rejections, re-proofs, time to proof', () => {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const at = (s: number) => new Date(t0 + s * 1000).toISOString();
  const task = (id: string, done: number | null, proofs: Array<[string, 'Pass' | 'Fail']>): TaskDetail => ({
    task_id: id, status: done === null ? 'failed' : 'completed', assigned_prover: null, created_at: at(0), updated_at: at(done ?? 9),
    privacy_level: 1, reward_amount: '1', requester: 'r', priority: 0,
    history: done === null ? [] : [{ at: at(done), from: 'in_progress', to: 'completed', cause: 'proof_verified', prover_id: 'a', detail: null }],
    proofs: proofs.map(([prover_id, verification_result]) => ({ prover_id, verification_result, submitted_at: at(1), reason: null, quality_score: 1, verify_ms: 1 })),
  });
  const s = summarize([task('t1', 2, [['a', 'Pass']]), task('t2', 4, [['bad', 'Fail'], ['b', 'Pass']]), task('t3', null, [['bad', 'Fail']])],
    new Map([['a', 'A'], ['b', 'B'], ['bad', 'Bad']]), t0, t0 + 10_000);
  assert.equal(s.completed, 2);
  assert.equal(s.failed, 1);
  assert.equal(s.proofsVerified, 2);
  assert.equal(s.proofsRejected, 2);
  assert.deepEqual(s.reproved, [{ task_id: 't2', rejected_from: ['Bad'], proved_by: 'B' }]);
  assert.deepEqual(s.timeToProofMs, { p50: 2000, p99: 4000 });
  assert.equal(s.throughputPerSecond, 0.2);
  assert.deepEqual(s.perProver.map((p) => [p.name, p.completed, p.rejected]), [['A', 1, 0], ['B', 1, 0], ['Bad', 0, 2]]);
});
