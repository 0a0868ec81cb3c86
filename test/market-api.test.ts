// The marketplace API in process (fastify inject, manual clock, the scheduler's tick called by hand): prover
// discovery, requests with market terms, each auction mechanism, re-auction and expiry, the order book,
// reputation and subscriptions, with real proofs where a request is completed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { sealedCommitment } from '../src/domain/market/index.ts';
import { testCoordinator, type TestCoordinator } from './support/coordinator.ts';
import { storesUnderTest } from './support/services.ts';
import type { Db } from '../src/store/db.ts';
import { proveBuiltin } from './support/proofs.ts';
import { signedCall, testSigner } from './support/signing.ts';

let c: TestCoordinator;
let program: string;
/** The market operator's key; it signs with the current suite's manual clock. */
const operator = testSigner({ get clock() { return c.clock; } });

after(() => terminateCurves());

// The same suite on both stores: PostgreSQL takes the row-lock paths that PGlite's serialized store skips.

for (const store of storesUnderTest()) {
  describe(`market API on ${store.name}`, { skip: store.skip }, () => {
    let db: Db | undefined;
    before(async () => {
      db = await store.open();
      c = await testCoordinator({ operatorAddress: operator.address }, db);
      const programs = (await c.call('GET', '/programs')).body as Array<{ program_id: string; name: string; proof_system: string }>;
      program = programs.find((p) => p.name === 'data-commitment' && p.proof_system === 'groth16')!.program_id;
    });
    after(async () => {
      await c.close();
      await db?.close();
    });
    marketTests();
  });
}

const b64 = (bytes: number[]) => Buffer.from(bytes).toString('base64');
let seq = 0;
/** Registers a prover with a fresh id on the given privacy level (levels keep the tests out of each other's way). */
async function prover(level: number, over: Record<string, unknown> = {}) {
  const id = `p${++seq}`;
  const r = await c.call('POST', '/provers/register', { prover_id: id, supported_levels: [level], capacity: 2, ...over });
  assert.equal(r.status, 200, r.raw);
  return id;
}
async function request(level: number, over: Record<string, unknown>) {
  const r = await c.call('POST', '/v1/requests', {
    requester: 'alice', program_id: program, input: b64([level, ++seq]), backend: 'groth16', privacy_level: level, max_price: '1000', ...over,
  });
  assert.equal(r.status, 201, r.raw);
  return r.body as { request_id: string; auction: any; status: string; priority: number };
}
const tick = () => c.market.tick();
const auction = async (id: string) => (await c.call('GET', `/v1/auctions/${id}`)).body;
const req = async (id: string) => (await c.call('GET', `/v1/requests/${id}`)).body;

/** The winner picks the request up through the seed poll, proves it for real, and it completes. */
async function deliver(proverId: string, requestId: string) {
  const t = (await c.call('GET', `/tasks/assign/${proverId}`)).body;
  assert.equal(t?.task_id, requestId, `${proverId} gets ${requestId} on its next poll`);
  const proof = await proveBuiltin('data-commitment', 'groth16', t.circuit_input);
  const r = await c.call('POST', '/tasks/result', { task_id: requestId, prover_id: proverId, proof: proof.bytes });
  assert.equal(r.body.verification_result, 'Pass', r.raw);
}

function marketTests(): void {
test('prover profiles: registration with market fields, discovery filters and sorts, operator-only reputation seed', async () => {
  const cheap = await prover(10, { name: 'Cheap', backends: ['groth16'], base_price: '100' });
  const dear = await prover(10, { name: 'Dear', backends: ['groth16', 'plonk'], base_price: 900, gpu_enabled: false });
  const denied = await c.call('POST', '/provers/register', { prover_id: 'seeded', supported_levels: [10], capacity: 1, reputation: 4.8 });
  assert.equal(denied.status, 403);
  assert.equal(denied.body.error.code, 'operator_only');
  const wrong = await signedCall(c, testSigner(c), 'POST', '/provers/register', { prover_id: 'seeded', supported_levels: [10], capacity: 1, reputation: 4.8 });
  assert.equal(wrong.status, 403);
  const seeded = await signedCall(c, operator, 'POST', '/provers/register', { prover_id: 'seeded', supported_levels: [10], capacity: 1, reputation: 4.8, base_price: '500', backends: ['plonk'] });
  assert.equal(seeded.status, 200, seeded.raw);

  const unknown = await c.call('POST', '/provers/register', { prover_id: 'x', supported_levels: [1], capacity: 1, backends: ['nope'] });
  assert.equal(unknown.body.error.code, 'unknown_backend');

  const byPrice = (await c.call('GET', '/v1/provers?backend=groth16&max_price=1000&sort=price')).body.map((p: any) => p.prover_id);
  assert.deepEqual(byPrice.filter((id: string) => [cheap, dear].includes(id)), [cheap, dear]);
  assert.ok(!byPrice.includes('seeded'), 'seeded proves plonk only');
  const under500 = (await c.call('GET', '/v1/provers?max_price=500')).body.map((p: any) => p.prover_id);
  assert.ok(under500.includes(cheap) && under500.includes('seeded') && !under500.includes(dear));
  const top = (await c.call('GET', '/v1/provers?min_reputation=4.5&sort=reputation')).body;
  assert.deepEqual(top.map((p: any) => p.prover_id), ['seeded']);
  assert.equal(top[0].reputation, 4.8);
  const profile = (await c.call('GET', `/v1/provers/${dear}`)).body;
  assert.equal(profile.base_price, '900');
  assert.equal(profile.price_type, 'per_proof');
  assert.deepEqual(profile.backends, ['groth16', 'plonk']);
  assert.equal(profile.reputation, null, 'no history yet');
  const bad = await c.call('GET', '/v1/provers?sort=colour');
  assert.equal(bad.status, 400);
});

test('requests: backend checks before anything is stored; priorities by name; seed tasks stay fixed', async () => {
  const base = { requester: 'alice', program_id: program, input: b64([1]), max_price: '10' };
  const pico = await c.call('POST', '/v1/requests', { ...base, backend: 'koalabear' });
  assert.equal(pico.status, 400);
  assert.equal(pico.body.error.code, 'backend_not_installed');
  assert.match(pico.body.error.message, /Pico/);
  const mismatch = await c.call('POST', '/v1/requests', { ...base, backend: 'plonk' });
  assert.equal(mismatch.body.error.code, 'backend_mismatch');
  const missing = await c.call('POST', '/v1/requests', { ...base, program_id: 'no-such-program', backend: 'groth16' });
  assert.equal(missing.status, 404);
  const badInput = await c.call('POST', '/v1/requests', { ...base, backend: 'groth16', input: 'not base64!' });
  assert.equal(badInput.body.error.code, 'invalid_input');
  const badTerms = await c.call('POST', '/v1/requests', { ...base, backend: 'groth16', auction: { mechanism: 'rising', min_price: '50' } });
  assert.equal(badTerms.body.error.code, 'invalid_auction_terms');
  const none = (await c.call('GET', '/v1/tasks?limit=1000')).body.filter((t: any) => t.program_id === program && t.status === 'pending');
  assert.equal(none.length, 0, 'nothing was stored');

  const r = await request(11, { priority: 'urgent', auction: { mechanism: 'fixed' } });
  assert.equal(r.priority, 100);
  assert.equal(r.auction.mechanism, 'fixed');
  assert.equal(r.auction.phase, 'bidding');
});

test('fixed: the first eligible prover takes it at the fixed price; ineligible takes get their reason', async () => {
  const pricey = await prover(12, { base_price: '5000' });
  const ok = await prover(12, { base_price: '10' });
  const r = await request(12, { max_price: '700', auction: { mechanism: 'fixed' } });
  assert.equal((await c.call('GET', `/tasks/assign/${pricey}`)).body, null, 'its base price is above the max');
  const above = await c.call('POST', `/v1/auctions/${r.request_id}/bids`, { prover_id: ok, fee: '800' });
  assert.equal(above.status, 409);
  assert.equal(above.body.error.code, 'price_above_max');
  const take = await c.call('POST', `/v1/auctions/${r.request_id}/bids`, { prover_id: ok, fee: '600' });
  assert.deepEqual(take.body, { accepted: true, phase: 'closed', assigned: true, price: '700' });
  const late = await c.call('POST', `/v1/auctions/${r.request_id}/bids`, { prover_id: pricey, fee: '1' });
  assert.equal(late.body.error.code, 'phase_closed');
  await deliver(ok, r.request_id);
  const done = await req(r.request_id);
  assert.equal(done.status, 'completed');
  assert.equal(done.price, '700');
  assert.equal(done.auction.explanation.outcome.prover_id, ok);
});

test('weighted: the highest score wins (price 0.7, reputation 0.3) and is paid its own fee', async () => {
  const a = await prover(13);
  const b = await prover(13);
  const low = await prover(13, { reputation: 0.5 }).catch(() => undefined); // refused: no operator token
  assert.equal(low, undefined);
  const r = await request(13, { max_price: '1000', auction: { mechanism: 'weighted', bid_window_ms: 5000 } });
  // both without history (2.5★ → 0.5 on the reputation part): the lower fee scores higher
  assert.equal((await c.call('POST', `/v1/auctions/${r.request_id}/bids`, { prover_id: a, fee: '600' })).status, 200);
  c.clock.advance(100);
  assert.equal((await c.call('POST', `/v1/auctions/${r.request_id}/bids`, { prover_id: b, fee: '400' })).status, 200);
  const dup = await c.call('POST', `/v1/auctions/${r.request_id}/bids`, { prover_id: b, fee: '300' });
  assert.equal(dup.body.error.code, 'duplicate_bid');
  const commit = await c.call('POST', `/v1/auctions/${r.request_id}/commit`, { prover_id: a, commitment: 'ab'.repeat(32) });
  assert.equal(commit.body.error.code, 'wrong_mechanism');
  await tick();
  assert.equal((await auction(r.request_id)).phase, 'bidding', 'not closed before its window ends');
  c.clock.advance(5000);
  await tick();
  const closed = await auction(r.request_id);
  assert.equal(closed.phase, 'closed');
  assert.equal(closed.explanation.outcome.prover_id, b);
  assert.equal(closed.explanation.outcome.price, '400');
  const scores = Object.fromEntries(closed.explanation.entries.filter((e: any) => e.score !== null).map((e: any) => [e.prover_id, e.score]));
  assert.ok(Math.abs(scores[b] - (0.7 * 0.6 + 0.3 * 0.5)) < 1e-9);
  assert.ok(Math.abs(scores[a] - (0.7 * 0.4 + 0.3 * 0.5)) < 1e-9);
  assert.equal((await req(r.request_id)).status, 'assigned');
  assert.equal((await c.call('GET', `/tasks/assign/${a}`)).body, null, 'the loser gets nothing');
  await deliver(b, r.request_id);
  assert.equal((await req(r.request_id)).price, '400');
});

test('sealed: commit, reveal, lowest fee wins at the second-lowest; an unrevealed commitment never wins', async () => {
  const [a, b, x] = [await prover(14), await prover(14), await prover(14)];
  const r = await request(14, { max_price: '1000', auction: { mechanism: 'sealed', bid_window_ms: 3000, reveal_window_ms: 3000 } });
  const bids = { [a]: 500n, [b]: 300n, [x]: 100n };
  const nonces: Record<string, string> = {};
  for (const p of [a, b, x]) {
    nonces[p] = randomBytes(16).toString('hex');
    const commitment = sealedCommitment({ request_id: r.request_id, prover_id: p, fee: bids[p]!, nonce: nonces[p]! });
    assert.equal((await c.call('POST', `/v1/auctions/${r.request_id}/commit`, { prover_id: p, commitment })).status, 200);
  }
  const early = await c.call('POST', `/v1/auctions/${r.request_id}/reveal`, { prover_id: a, fee: '500', nonce: nonces[a] });
  assert.equal(early.body.error.code, 'phase_closed');
  c.clock.advance(3000);
  await tick();
  assert.equal((await auction(r.request_id)).phase, 'reveal');
  const wrong = await c.call('POST', `/v1/auctions/${r.request_id}/reveal`, { prover_id: a, fee: '400', nonce: nonces[a] });
  assert.equal(wrong.body.error.code, 'commitment_mismatch');
  for (const p of [a, b]) {
    const rv = await c.call('POST', `/v1/auctions/${r.request_id}/reveal`, { prover_id: p, fee: bids[p]!.toString(), nonce: nonces[p] });
    assert.equal(rv.status, 200, rv.raw);
  }
  c.clock.advance(3000);
  await tick();
  const closed = await auction(r.request_id);
  assert.equal(closed.explanation.outcome.prover_id, b, 'x bid lowest but never revealed');
  assert.equal(closed.explanation.outcome.price, '500', 'paid the second-lowest revealed fee');
  assert.equal(closed.explanation.entries.find((e: any) => e.prover_id === x && e.action === 'commit').reason, 'not_revealed');
  await deliver(b, r.request_id);
});

test('rising: the price ramps from min to max; the first lock wins at the current price; a lapsed lock reopens it', async () => {
  const [a, b] = [await prover(15), await prover(15)];
  const r = await request(15, { max_price: '1000', auction: { mechanism: 'rising', min_price: '200', ramp_start_ms: 1000, ramp_period_ms: 8000, lock_timeout_ms: 4000, bid_window_ms: 20000 } });
  assert.equal((await auction(r.request_id)).current_price, '200');
  c.clock.advance(5000); // 4 s into the 8 s ramp: halfway
  assert.equal((await auction(r.request_id)).current_price, '600');
  const lock = await c.call('POST', `/v1/auctions/${r.request_id}/lock`, { prover_id: a });
  assert.deepEqual(lock.body, { accepted: true, phase: 'locked', assigned: true, price: '600' });
  const other = await c.call('POST', `/v1/auctions/${r.request_id}/lock`, { prover_id: b });
  assert.equal(other.body.error.code, 'lock_held');
  // a never delivers: its lock lapses and the request is open again, at the ramp's price by then
  c.clock.advance(4000);
  await tick();
  const reopened = await req(r.request_id);
  assert.equal(reopened.status, 'pending');
  assert.equal(reopened.history.at(-1).cause, 'lock_lapsed');
  const again = await c.call('POST', `/v1/auctions/${r.request_id}/lock`, { prover_id: a });
  assert.equal(again.body.error.code, 'lock_lapsed');
  const block = await c.call('POST', `/v1/auctions/${r.request_id}/lock`, { prover_id: b });
  assert.equal(block.body.price, '1000');
  await deliver(b, r.request_id);
  const done = await auction(r.request_id);
  assert.equal(done.phase, 'closed');
  assert.equal(done.explanation.outcome.prover_id, b);
  const rep = (await c.call('GET', `/v1/provers/${a}/reputation`)).body;
  assert.equal(rep.failed, 1, 'the lapsed lock counts against a');
});

test('re-auction: a round without bids raises the price by its step up to the ceiling, then the request expires and is refunded', async () => {
  const r = await request(16, {
    max_price: '100',
    deadline: 1,
    auction: { mechanism: 'weighted', bid_window_ms: 10_000 },
    reauction: { max_price_step: '50', max_price_ceiling: '200' },
  });
  c.clock.advance(10_000);
  await tick();
  let now = await req(r.request_id);
  assert.equal(now.round, 2);
  assert.equal(now.max_price, '150');
  c.clock.advance(10_000);
  await tick();
  now = await req(r.request_id);
  assert.equal(now.max_price, '200');
  c.clock.advance(10_000);
  await tick();
  now = await req(r.request_id);
  assert.equal(now.status, 'failed');
  assert.equal(now.history.at(-1).cause, 'no_winner');
  assert.equal(now.history.at(-1).detail.reason, 'nothing_to_relax');
  assert.equal(now.history.at(-1).detail.refund, '200');

  // without a policy a round without a winner ends the request at once (an early refund)
  const single = await request(16, { max_price: '100', auction: { mechanism: 'sealed', bid_window_ms: 1000, reveal_window_ms: 1000 } });
  c.clock.advance(2000);
  await tick();
  assert.equal((await req(single.request_id)).status, 'failed');
});

test('reputation: each result is an observation; the components and history are returned; min_reputation gates the pull', async () => {
  const good = await prover(17);
  const r = await request(17, { max_price: '10', auction: { mechanism: 'fixed' } });
  c.clock.advance(1000);
  await deliver(good, r.request_id);
  await tick();
  const rep = (await c.call('GET', `/v1/provers/${good}/reputation`)).body;
  assert.equal(rep.total, 1);
  assert.equal(rep.success_rate, 1);
  assert.ok(rep.stars > 4.5, `one fast verified proof: ${rep.stars}`);
  assert.equal(rep.history[0].task_id, r.request_id);
  const newcomer = await prover(17);
  const picky = await request(17, { max_price: '10', min_reputation: 4 });
  assert.equal((await c.call('GET', `/tasks/assign/${newcomer}`)).body, null, 'a newcomer counts 2.5★');
  assert.equal((await c.call('GET', `/tasks/assign/${good}`)).body.task_id, picky.request_id);
});

test('order book: pending requests against provers\' free capacity, with a suggested price from clearing prices', async () => {
  const book = (await c.call('GET', '/v1/orderbook?backend=groth16')).body;
  assert.ok(Array.isArray(book.bids) && Array.isArray(book.asks));
  assert.ok(book.suggested_price && Number(book.suggested_price.count) >= 1, 'completed requests give a price');
  assert.equal(typeof book.suggested_price.p50, 'string');
  if (book.best_bid !== null && book.best_ask !== null) assert.equal(BigInt(book.spread), BigInt(book.best_ask) - BigInt(book.best_bid));
  assert.equal((await c.call('GET', '/v1/orderbook')).status, 400);
});

test('subscriptions: requests go to the subscribed prover without a per-proof price until the quota is used', async () => {
  const sp = await prover(18, { price_type: 'subscription', base_price: '5000', subscription_quota: 1 });
  const plain = await prover(18);
  const refused = await c.call('POST', '/v1/subscriptions', { requester: 'alice', prover_id: plain, period: 'monthly' });
  assert.equal(refused.body.error.code, 'prover_not_subscription');
  const sub = (await c.call('POST', '/v1/subscriptions', { requester: 'alice', prover_id: sp, period: 'annual' })).body;
  assert.equal(sub.fee, '60000');
  assert.equal(sub.quota, 12);
  const monthly = (await c.call('POST', '/v1/subscriptions', { requester: 'alice', prover_id: sp, period: 'monthly' })).body;
  const first = await request(18, { subscription_id: monthly.subscription_id });
  assert.equal(first.auction, null);
  assert.equal((await c.call('GET', `/tasks/assign/${plain}`)).body, null, 'only the subscribed prover gets it');
  await deliver(sp, first.request_id);
  assert.equal((await req(first.request_id)).price, '0');
  const exhausted = await c.call('POST', '/v1/requests', { requester: 'alice', program_id: program, input: b64([1]), backend: 'groth16', privacy_level: 18, max_price: '10', subscription_id: monthly.subscription_id });
  assert.equal(exhausted.body.error.code, 'subscription_exhausted');
  const fallback = await request(18, { subscription_id: monthly.subscription_id, on_exhausted: 'market' });
  assert.equal(fallback.auction.mechanism, 'fixed');
  const stranger = await c.call('POST', '/v1/requests', { requester: 'bob', program_id: program, input: b64([1]), backend: 'groth16', max_price: '10', subscription_id: sub.subscription_id });
  assert.equal(stranger.status, 403);
});
}
