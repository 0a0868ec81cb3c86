import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkEligibility, NEUTRAL_STARS } from './eligibility.ts';
import { arbProfile, arbTerms, eligibleRef, prover, terms } from './testkit.ts';

const t = terms({ mechanism: 'fixed', bid_window_ms: 1000 }, { min_reputation: 3, privacy_level: 2 });

test('each failed check has its own reason, in the documented order', () => {
  const reason = (r: ReturnType<typeof checkEligibility>) => (r.ok ? 'ok' : r.reason);
  assert.equal(reason(checkEligibility(prover('a'), t, 100n)), 'ok');
  assert.equal(reason(checkEligibility(prover('a', { status: 'offline' }), t, 100n)), 'prover_inactive');
  assert.equal(reason(checkEligibility(prover('a', { status: 'busy' }), t, 100n)), 'prover_inactive');
  assert.equal(reason(checkEligibility(prover('a', { backends: ['plonk'] }), t, 100n)), 'backend_unsupported');
  assert.equal(reason(checkEligibility(prover('a', { privacy_levels: [1] }), t, 100n)), 'privacy_level_unsupported');
  assert.equal(reason(checkEligibility(prover('a'), { ...t, allow_list: ['b'] }, 100n)), 'not_on_allow_list');
  assert.equal(reason(checkEligibility(prover('a', { reputation: 2.9 }), t, 100n)), 'reputation_too_low');
  assert.equal(reason(checkEligibility(prover('a', { active_tasks: 2 }), t, 100n)), 'capacity_full');
  assert.equal(reason(checkEligibility(prover('a'), t, 101n)), 'price_above_max');
  assert.equal(reason(checkEligibility(prover('a'), t, -1n)), 'invalid_fee');
  assert.equal(reason(checkEligibility(prover('a'), t)), 'ok', 'without a price the fee checks are skipped');
  // several failures: the first in order wins
  assert.equal(reason(checkEligibility(prover('a', { status: 'offline', backends: [] }), t, 500n)), 'prover_inactive');
});

test('a prover without history counts as 2.5 stars', () => {
  assert.equal(NEUTRAL_STARS, 2.5);
  const newcomer = prover('n', { reputation: null });
  assert.equal(checkEligibility(newcomer, { ...t, min_reputation: 2.5 }, 1n).ok, true);
  assert.equal(checkEligibility(newcomer, { ...t, min_reputation: 2.6 }, 1n).ok, false);
});

test('checkEligibility agrees with the rule written out independently', () => {
  fc.assert(
    fc.property(arbProfile('p1'), arbTerms({ mechanism: 'fixed', bid_window_ms: 1 }), fc.bigInt({ min: -5n, max: 1200n }), (p, tt, fee) => {
      assert.equal(checkEligibility(p, tt, fee).ok, eligibleRef(p, tt, fee));
    }),
    { numRuns: 500 },
  );
});
