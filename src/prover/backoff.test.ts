import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { backoffMs, DEFAULT_BACKOFF } from './backoff.ts';

const policy = { baseMs: 100, maxMs: 2_000, factor: 2 };

test('doubles from the base, with the jitter between half and all of the step', () => {
  assert.equal(backoffMs(0, policy, 0), 50);
  assert.equal(backoffMs(0, policy, 1), 100);
  assert.equal(backoffMs(1, policy, 1), 200);
  assert.equal(backoffMs(3, policy, 0.5), 600);
  assert.equal(backoffMs(0, DEFAULT_BACKOFF, 0.5), 150);
});

test('never exceeds the cap, even after very many attempts', () => {
  assert.equal(backoffMs(10, policy, 1), 2_000);
  assert.equal(backoffMs(5_000, policy, 1), 2_000);
  assert.equal(backoffMs(5_000, policy, 0), 1_000);
});

test('bounded and monotone in the attempt for a fixed draw', () => {
  fc.assert(
    fc.property(fc.nat(200), fc.double({ min: 0, max: 1, noNaN: true }), (n, r) => {
      const d = backoffMs(n, policy, r);
      assert.ok(d >= policy.baseMs / 2 && d <= policy.maxMs, `${d}`);
      assert.ok(backoffMs(n + 1, policy, r) >= d);
    }),
  );
});

test('odd inputs are clamped: negative attempts, draws outside [0, 1]', () => {
  assert.equal(backoffMs(-3, policy, 1), 100);
  assert.equal(backoffMs(0, policy, 7), 100);
  assert.equal(backoffMs(0, policy, -1), 50);
});
