import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyBid, applyLock, closeAuction, currentRisingPrice, nextDeadline, openAuction, phaseAt, tickAuction } from './auction.ts';
import { risingPrice, type RisingCurve } from './rising.ts';
import { at, prover, terms } from './testkit.ts';

const spec = { mechanism: 'rising' as const, bid_window_ms: 10_000, min_price: 100n, ramp_start_ms: 1000, ramp_period_ms: 3000, lock_timeout_ms: 500 };
const t = terms(spec, { max_price: 200n });

test('rising: min until the ramp, linear (floored) over it, max after', () => {
  const s = openAuction(t, at(0));
  const price = (ms: number) => currentRisingPrice(s, at(ms));
  assert.deepEqual([0, 1000, 1001, 2000, 2500, 3999, 4000, 9999].map(price), [100n, 100n, 100n, 133n, 150n, 199n, 200n, 200n]);
  const jump: RisingCurve = { min_price: 5n, max_price: 9n, ramp_start: at(10), ramp_period_ms: 0 };
  assert.deepEqual([risingPrice(jump, at(10)), risingPrice(jump, at(11))], [5n, 9n]);
});

const arbCurve = fc
  .record({
    min: fc.bigInt({ min: 0n, max: 10n ** 24n }),
    span: fc.bigInt({ min: 0n, max: 10n ** 24n }),
    start: fc.integer({ min: 0, max: 1e9 }),
    period: fc.integer({ min: 0, max: 1e9 }),
  })
  .map(({ min, span, start, period }): RisingCurve => ({ min_price: min, max_price: min + span, ramp_start: at(start), ramp_period_ms: period }));

test('rising: the price is monotone in time, min_price before the ramp, max_price after it', () => {
  fc.assert(
    fc.property(arbCurve, fc.integer({ min: -1e9, max: 3e9 }), fc.integer({ min: -1e9, max: 3e9 }), (c, x, y) => {
      const [t1, t2] = x <= y ? [x, y] : [y, x];
      const p1 = risingPrice(c, at(t1));
      const p2 = risingPrice(c, at(t2));
      assert.ok(p1 <= p2, `${p1} at ${t1} > ${p2} at ${t2}`);
      for (const [tt, p] of [[t1, p1], [t2, p2]] as const) {
        assert.ok(c.min_price <= p && p <= c.max_price);
        const start = c.ramp_start.getTime() - at(0).getTime();
        if (tt <= start) assert.equal(p, c.min_price);
        if (tt >= start + c.ramp_period_ms) assert.equal(p, c.max_price);
      }
    }),
    { numRuns: 1000 },
  );
});

test('rising: the first eligible lock wins at the price of that instant', () => {
  let s = openAuction(t, at(0));
  const ineligible = applyLock(s, { prover: prover('full', { active_tasks: 2 }) }, at(1500));
  assert.equal(!ineligible.accepted && ineligible.reason, 'capacity_full');
  s = ineligible.state;
  const r = applyLock(s, { prover: prover('a') }, at(2500));
  assert.ok(r.accepted);
  assert.deepEqual(r.assigned, { price: 150n, until: at(3000) });
  s = r.state;
  assert.equal(phaseAt(s, at(2600)), 'locked');
  const other = applyLock(s, { prover: prover('b') }, at(2600));
  assert.equal(!other.accepted && other.reason, 'lock_held');
  const same = applyLock(s, { prover: prover('a') }, at(2600));
  assert.equal(!same.accepted && same.reason, 'duplicate_bid');
  const bid = applyBid(s, { prover: prover('c'), fee: 1n }, at(2600));
  assert.equal(!bid.accepted && bid.reason, 'wrong_mechanism');
  // the holder delivers before its lock runs out: the caller closes
  const { explanation: x } = closeAuction(other.state, at(2900));
  assert.deepEqual(x.outcome.kind === 'won' && [x.outcome.prover_id, x.outcome.price, x.outcome.refund], ['a', 150n, 50n]);
  assert.equal(x.closed_early, false);
  assert.deepEqual(x.entries.map((e) => [e.prover_id, e.result, e.reason]), [['full', 'rejected', 'capacity_full'], ['a', 'won', null], ['b', 'rejected', 'lock_held']]);
});

test('rising: a lock that runs out is dropped, the request is open again at the current price, and the lapsed prover may not relock', () => {
  let s = applyLock(openAuction(t, at(0)), { prover: prover('a') }, at(2000)).state;
  assert.deepEqual(nextDeadline(s, at(2000)), at(2500));
  assert.equal(tickAuction(s, at(2499)).lapsed, null);
  const tick = tickAuction(s, at(2500));
  assert.equal(tick.lapsed?.prover_id, 'a');
  s = tick.state;
  assert.equal(phaseAt(s, at(2500)), 'bidding');
  const again = applyLock(s, { prover: prover('a') }, at(2600));
  assert.equal(!again.accepted && again.reason, 'lock_lapsed');
  const b = applyLock(again.state, { prover: prover('b') }, at(3000));
  assert.deepEqual(b.accepted && b.assigned?.price, 166n);
  // closing while b holds a live lock makes b the winner
  const x = closeAuction(b.state, at(3100)).explanation;
  assert.deepEqual(x.outcome.kind === 'won' && [x.outcome.prover_id, x.outcome.price], ['b', 166n]);
  assert.deepEqual(x.entries.map((e) => e.result), ['lapsed', 'rejected', 'won']);
});

test('rising: a lock lapsing after the window leaves no winner', () => {
  let s = applyLock(openAuction(t, at(0)), { prover: prover('a') }, at(9999)).state;
  assert.equal(phaseAt(s, at(10_200)), 'locked');
  assert.equal(phaseAt(s, at(10_498)), 'locked');
  assert.equal(phaseAt(s, at(10_499)), 'closed', 'the lock runs out at lock time + lock_timeout_ms');
  const late = applyLock(s, { prover: prover('b') }, at(10_600));
  assert.equal(!late.accepted && late.reason, 'phase_closed');
  s = late.state;
  const x = closeAuction(s, at(10_600)).explanation;
  assert.deepEqual([x.outcome.kind, x.outcome.kind === 'no_winner' && x.outcome.reason], ['no_winner', 'no_eligible_bid']);
});

test('rising: a lock taken after another ran out reports the lapse, so the caller can free the old holder', () => {
  const s = applyLock(openAuction(t, at(0)), { prover: prover('a') }, at(2000)).state;
  const b = applyLock(s, { prover: prover('b') }, at(2600));
  assert.ok(b.accepted);
  assert.equal(b.lapsed?.prover_id, 'a');
  assert.deepEqual(b.state.lapsed, [0]);
  assert.equal(applyLock(b.state, { prover: prover('c') }, at(2700)).lapsed, null);
});
