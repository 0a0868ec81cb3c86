import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyBid, applyChoice, applyWithdraw, auctionDuration, closeAuction, nextDeadline, openAuction, phaseAt } from './auction.ts';
import { at, prover, terms } from './testkit.ts';

const spec = { mechanism: 'requester_choice' as const, bid_window_ms: 1000, choice_window_ms: 500 };
const a = prover('a', { reputation: 2 });
const b = prover('b', { reputation: 5 });
const c = prover('c', { reputation: 4 });

function withBids() {
  let s = openAuction(terms(spec), at(0));
  s = applyBid(s, { prover: a, fee: 40n }, at(10)).state; // seq 0: the cheapest
  s = applyBid(s, { prover: b, fee: 90n }, at(20)).state; // seq 1
  s = applyBid(s, { prover: c, fee: 60n }, at(30)).state; // seq 2
  return s;
}

test('requester_choice: phases are bidding, then choosing, then closed; the duration covers both windows', () => {
  const s = withBids();
  assert.equal(phaseAt(s, at(999)), 'bidding');
  assert.equal(phaseAt(s, at(1000)), 'choosing');
  assert.equal(phaseAt(s, at(1499)), 'choosing');
  assert.equal(phaseAt(s, at(1500)), 'closed');
  assert.deepEqual(nextDeadline(s, at(1200)), at(1500));
  assert.equal(auctionDuration(spec), 1500);
  const late = applyBid(s, { prover: prover('d'), fee: 10n }, at(1100));
  assert.equal(!late.accepted && late.reason, 'phase_closed');
});

test('requester_choice: the requester chooses a bid that is not the cheapest; it wins at its own fee and the round is decided', () => {
  const s = withBids();
  const r = applyChoice(s, { seq: 1, prover: b }, at(1200));
  assert.ok(r.accepted);
  assert.equal(r.assigned.price, 90n);
  assert.equal(phaseAt(r.state, at(1201)), 'closed');
  assert.equal(nextDeadline(r.state, at(1201)), null);
  const { explanation: x } = closeAuction(r.state, at(1201));
  assert.deepEqual(x.outcome.kind === 'won' && [x.outcome.prover_id, x.outcome.price, x.outcome.refund], ['b', 90n, 10n]);
  assert.match(x.outcome.why, /requester chose b/);
  assert.equal(x.closed_early, false);
  assert.deepEqual(x.entries.map((e) => [e.prover_id, e.result]), [['a', 'lost'], ['b', 'won'], ['c', 'lost']]);
  // a choice during bidding is allowed too, and decides at once
  const early = applyChoice(s, { seq: 2, prover: c }, at(500));
  assert.ok(early.accepted);
  assert.equal(phaseAt(early.state, at(501)), 'closed');
});

test('requester_choice: refused choices (unknown bid, withdrawn bid, ineligible prover, too late) change nothing', () => {
  let s = withBids();
  const w = applyWithdraw(s, { prover: b }, at(1100));
  assert.ok(w.accepted);
  s = w.state;
  const no = (r: ReturnType<typeof applyChoice>) => (r.accepted ? 'accepted' : r.reason);
  assert.equal(no(applyChoice(s, { seq: 1, prover: b }, at(1200))), 'bid_withdrawn');
  assert.equal(no(applyChoice(s, { seq: 3, prover: b }, at(1200))), 'no_bid'); // seq 3 is the withdrawal itself
  assert.equal(no(applyChoice(s, { seq: 42, prover: a }, at(1200))), 'no_bid');
  assert.equal(no(applyChoice(s, { seq: 0, prover: { ...a, active_tasks: 2 } }, at(1200))), 'capacity_full');
  assert.equal(no(applyChoice(s, { seq: 0, prover: undefined }, at(1200))), 'prover_unknown');
  assert.equal(no(applyChoice(s, { seq: 0, prover: a }, at(1500))), 'phase_closed');
  assert.equal(s.holder, null);
  // a withdrawal needs a bid, once
  const again = applyWithdraw(s, { prover: b }, at(1200));
  assert.equal(!again.accepted && again.reason, 'duplicate_bid');
  const none = applyWithdraw(s, { prover: prover('z') }, at(1200));
  assert.equal(!none.accepted && none.reason, 'no_bid');
  // and belongs to requester_choice only
  const weighted = openAuction(terms({ mechanism: 'weighted', bid_window_ms: 1000 }), at(0));
  const wrong = applyChoice(weighted, { seq: 0, prover: a }, at(10));
  assert.equal(!wrong.accepted && wrong.reason, 'wrong_mechanism');
});

test('requester_choice: without a choice, the weighted rule picks at the end of the choice window, withdrawn bids left out', () => {
  // scores (0.7 / 0.3): a 0.7·0.6 + 0.3·0.4 = 0.54, b 0.7·0.1 + 0.3·1 = 0.37, c 0.7·0.4 + 0.3·0.8 = 0.52
  let x = closeAuction(withBids(), at(1500)).explanation;
  assert.deepEqual(x.outcome.kind === 'won' && [x.outcome.prover_id, x.outcome.price], ['a', 40n]);
  assert.match(x.outcome.why, /did not choose in time, so the weighted rule picked/);
  const s = applyWithdraw(withBids(), { prover: a }, at(1100)).state;
  x = closeAuction(s, at(1500), (id) => [a, b, c].find((p) => p.prover_id === id)).explanation;
  assert.deepEqual(x.outcome.kind === 'won' && [x.outcome.prover_id, x.outcome.price], ['c', 60n]);
  assert.deepEqual(x.entries[0] && [x.entries[0].result, x.entries[0].reason], ['rejected', 'bid_withdrawn']);
  assert.equal(x.entries[3]?.action, 'withdraw');
});
