// The simulation at tiny scale (50 provers, 2,000 requests a day, one simulated day) on every mechanism: money is
// conserved and what requesters paid is what provers and the treasury received; every request ends completed or
// refunded (expired, no winner, too many failed proofs); no prover ever held more than its capacity; and one seed
// gives one run, to the unit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSimulation, SIM_MECHANISMS, type SimOptions } from './sim.ts';

const TINY: Omit<SimOptions, 'mechanism'> = { provers: 50, requestsPerDay: 2000, days: 1, seed: 7, bidders: 8 };

for (const mechanism of SIM_MECHANISMS) {
  test(`${mechanism}: money conserved, every request ended, capacity kept`, () => {
    const { engine: e, summary: s } = runSimulation({ ...TINY, mechanism });
    assert.ok(s.submitted > 1500, `a day's requests arrived (${s.submitted})`);
    assert.equal(e.live.size, 0, 'no request is left open');
    assert.equal(s.completed + s.refunded, s.submitted, 'each request completed or was refunded');
    assert.ok(s.completed > 0.9 * s.submitted, `most requests completed (${s.completed} of ${s.submitted})`);
    for (const reason of Object.keys(s.refunded_by_reason)) {
      assert.ok(['deadline', 'max_attempts', 'no_bids', 'no_eligible_bid', 'nothing_to_relax', 'no_time_for_round', 'deadline_passed'].includes(reason), reason);
    }
    // money: nothing created or destroyed, nothing overdrawn, no escrow or stake lock left behind
    assert.equal(e.store.total(), 0n);
    for (const [account, v] of e.store.balances) {
      if (account !== 'external') assert.ok(v >= 0n, `${account} is ${v}`);
      assert.ok(!account.startsWith('escrow:'), `${account} still holds ${v}`);
      if (account.startsWith('locked:')) assert.equal(v, 0n, `${account} still locked`);
    }
    assert.equal(e.store.locks.size, 0);
    let paidOut = 0n;
    for (const [account, v] of e.store.balances) if (account.startsWith('earnings:') || account === 'treasury') paidOut += v;
    assert.equal(paidOut, e.metrics.pricePaid, 'provers and the treasury received exactly the prices paid');
    assert.ok(s.money_conserved);
    // capacity: never above, and every slot free at the end
    assert.equal(e.metrics.capacityViolations, 0);
    assert.ok(e.provers.every((p) => p.active === 0));
    assert.ok(e.metrics.maxBusySlots <= e.provers.reduce((n, p) => n + p.capacity, 0));
    if (mechanism === 'fixed') assert.equal(s.requester_cost_over_valuation, 1, 'fixed pays max_price');
    else assert.ok(s.price_over_cost < 2 && s.requester_cost_over_valuation < 1, 'competition brings the price below max_price');
  });
}

test('one seed gives one run; another seed another', () => {
  const a = runSimulation({ ...TINY, mechanism: 'sealed' });
  const b = runSimulation({ ...TINY, mechanism: 'sealed' });
  const c = runSimulation({ ...TINY, mechanism: 'sealed', seed: 8 });
  const strip = (s: typeof a.summary) => ({ ...s, wall_s: 0 });
  assert.deepEqual(strip(a.summary), strip(b.summary));
  assert.deepEqual([...a.engine.store.balances].sort(), [...b.engine.store.balances].sort());
  assert.notDeepEqual(strip(a.summary), strip(c.summary));
});
