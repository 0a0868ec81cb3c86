import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_HALF_LIFE_MS, reputationOf, timeEfficiency, type ProofObservation } from './reputation.ts';
import { at } from './testkit.ts';

const DAY = 24 * 60 * 60 * 1000;
const obs = (ageDays: number, success: boolean, quality = success ? 1 : 0, expected = 10, actual = 10): ProofObservation => ({
  at: at(-ageDays * DAY),
  success,
  quality,
  expected_ms: expected,
  actual_ms: actual,
});
const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;

test('reputation: no history is null; a perfect record is 5 stars', () => {
  assert.equal(reputationOf([], at(0)), null);
  const r = reputationOf([obs(0, true), obs(1, true)], at(0))!;
  assert.deepEqual([r.total, r.successful, r.failed, r.stars], [2, 2, 0, 5]);
});

test('reputation: 0.5 × success + 0.3 × quality + 0.2 × time, and a failure one half-life old counts half', () => {
  assert.equal(DEFAULT_HALF_LIFE_MS, 7 * DAY);
  // fresh success (quality 0.8, twice as slow as expected) and a week-old failure (quality 0, on time)
  const r = reputationOf([obs(0, true, 0.8, 10, 20), obs(7, false, 0, 10, 10)], at(0))!;
  assert.ok(close(r.success_rate, 1 / 1.5));
  assert.ok(close(r.average_quality, 0.8 / 1.5));
  assert.ok(close(r.time_efficiency, (0.5 + 0.5) / 1.5));
  assert.ok(close(r.weight, 1.5));
  assert.ok(close(r.score, 0.5 * (1 / 1.5) + 0.3 * (0.8 / 1.5) + 0.2 * (1 / 1.5)));
  assert.ok(close(r.stars, 5 * r.score));
  assert.deepEqual([r.total, r.successful, r.failed], [2, 1, 1]);
  // a shorter half-life forgets the failure faster
  assert.ok(reputationOf([obs(0, true), obs(7, false)], at(0), { half_life_ms: DAY })!.stars > r.stars);
});

test('time efficiency is expected / actual, capped to 0..1', () => {
  assert.deepEqual([timeEfficiency(10, 5), timeEfficiency(10, 10), timeEfficiency(10, 40), timeEfficiency(10, 0), timeEfficiency(-1, 5)], [1, 1, 0.25, 1, 0]);
});

test('reputation: a very old record does not underflow', () => {
  const r = reputationOf([obs(1e6, true), obs(1e6 + 7, false)], at(0))!;
  assert.ok(close(r.success_rate, 1 / 1.5));
  assert.equal(r.weight, 0);
});

const arbObs = fc.record({
  at: fc.integer({ min: -60 * DAY, max: DAY }).map(at),
  success: fc.boolean(),
  quality: fc.double({ min: -1, max: 2, noNaN: true }),
  expected_ms: fc.integer({ min: 0, max: 1e6 }),
  actual_ms: fc.integer({ min: 0, max: 1e6 }),
});

test('reputation: within bounds, independent of order and of a common shift in time, and recent work weighs more', () => {
  fc.assert(
    fc.property(fc.array(arbObs, { minLength: 1, maxLength: 30 }), fc.integer({ min: 0, max: 30 * DAY }), (xs, shift) => {
      const now = at(2 * DAY);
      const r = reputationOf(xs, now)!;
      for (const v of [r.success_rate, r.average_quality, r.time_efficiency, r.score]) assert.ok(v >= 0 && v <= 1 + 1e-12);
      assert.ok(close(r.stars, r.score * 5) && r.stars <= 5 + 1e-9);
      assert.equal(r.total, xs.length);
      assert.ok(close(reputationOf([...xs].reverse(), now)!.score, r.score));
      const later = reputationOf(xs.map((o) => ({ ...o, at: new Date(o.at.getTime() - shift) })), new Date(now.getTime() - shift))!;
      assert.ok(close(later.score, r.score));
      // one more success, newer than everything, raises the success rate at least as much as an old one
      const fresh = reputationOf([...xs, { ...xs[0]!, success: true, at: now }], now)!;
      const stale = reputationOf([...xs, { ...xs[0]!, success: true, at: at(-61 * DAY) }], now)!;
      assert.ok(fresh.success_rate >= stale.success_rate - 1e-12);
    }),
    { numRuns: 300 },
  );
});
