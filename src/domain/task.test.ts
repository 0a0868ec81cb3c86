import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TASK_STATUSES, canTransition, assertTransition, qualityScore, statusAfterRejectedProof, isTerminal } from './task.ts';
import { MarketError } from './errors.ts';

test('terminal statuses have no way out', () => {
  for (const to of TASK_STATUSES) {
    assert.equal(canTransition('completed', to), false);
    assert.equal(canTransition('failed', to), false);
  }
});

test('the lifecycle allows the documented moves and refuses the rest', () => {
  assert.ok(canTransition('pending', 'assigned'));
  assert.ok(canTransition('assigned', 'in_progress'));
  assert.ok(canTransition('assigned', 'pending'));
  assert.ok(canTransition('in_progress', 'completed'));
  assert.ok(canTransition('in_progress', 'pending'));
  assert.equal(canTransition('pending', 'completed'), false);
  assert.equal(canTransition('pending', 'in_progress'), false);
  assert.throws(() => assertTransition('completed', 'pending'), (e: unknown) => e instanceof MarketError && e.code === 'invalid_transition');
});

test('any walk through the lifecycle ends only in a terminal status once', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...TASK_STATUSES), { maxLength: 30 }), (walk) => {
      let status: (typeof TASK_STATUSES)[number] = 'pending';
      for (const next of walk) {
        if (canTransition(status, next)) status = next;
      }
      // once terminal, nothing in the walk could have moved it
      if (isTerminal(status)) for (const s of TASK_STATUSES) assert.equal(canTransition(status, s), false);
    }),
  );
});

test('quality score: 0 on fail, between 0.5 and 1 on pass, faster is better', () => {
  assert.equal(qualityScore(false, 10, 1000), 0);
  assert.equal(qualityScore(true, 100, 1000), 0.95);
  assert.equal(qualityScore(true, 0, 1000), 1);
  assert.equal(qualityScore(true, 5000, 1000), 0.5);
  fc.assert(
    fc.property(fc.nat(10_000_000), fc.nat(10_000_000), fc.integer({ min: 1, max: 10_000_000 }), (a, b, timeout) => {
      const qa = qualityScore(true, a, timeout);
      assert.ok(qa >= 0.5 && qa <= 1);
      if (a <= b) assert.ok(qa >= qualityScore(true, b, timeout));
    }),
  );
});

test('a rejected proof sends the task back until attempts run out', () => {
  assert.equal(statusAfterRejectedProof(1, 3), 'pending');
  assert.equal(statusAfterRejectedProof(3, 3), 'failed');
});
