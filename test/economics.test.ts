// Issue #5 end to end, in process (fastify inject, manual clock, the sweep called by hand), every call signed:
// escrow and the 402 for a requester short of funds, stake rules (minimum to bid, overcommit), payment only
// for a verified proof, the slash of a winner that missed its deadline and the requester's compensation, the
// operator's reversal, cancellation refunds, unstaking with a delay, suspension, and the authorization matrix.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { DEFAULT_ECONOMICS } from '../src/domain/ledger.ts';
import type { Signer } from '../src/sdk/signer.ts';
import type { Db } from '../src/store/db.ts';
import { testCoordinator, type TestCoordinator } from './support/coordinator.ts';
import { proveBuiltin } from './support/proofs.ts';
import { storesUnderTest } from './support/services.ts';
import { INJECT_HOST, signedCall, testSigner } from './support/signing.ts';

after(() => terminateCurves());

let c: TestCoordinator;
let program: string;
const clockOf = { get clock() { return c.clock; } };
const operator = testSigner(clockOf);
const alice = testSigner(clockOf); // a requester
const owner = testSigner(clockOf); // a prover's owner (its staking key)
const node = testSigner(clockOf); // the prover's submitter key, online
const mallory = testSigner(clockOf); // anyone else

const PROOF_TIMEOUT_MS = 60_000;
const economics = { ...DEFAULT_ECONOMICS, protocolFeeBps: 5_000, minStakeToBid: 100n, unstakeDelayMs: 3_600_000 };


for (const store of storesUnderTest()) {
  describe(`economics on ${store.name}`, { skip: store.skip }, () => {
    let db: Db | undefined;
    before(async () => {
      db = await store.open();
      c = await testCoordinator({ open: false, operatorAddress: operator.address, proofTimeoutMs: PROOF_TIMEOUT_MS, heartbeatTimeoutMs: 10 * PROOF_TIMEOUT_MS, economics }, db);
      const programs = (await c.call('GET', '/programs')).body as Array<{ program_id: string; name: string; proof_system: string }>;
      program = programs.find((p) => p.name === 'data-commitment' && p.proof_system === 'groth16')!.program_id;
    });
    after(async () => {
      await c.close();
      await db?.close();
    });
    economicsTests();
  });
}

const call = (s: Signer, method: string, url: string, body?: unknown) => signedCall(c, s, method, url, body);
const ok = (r: { status: number; raw: string }, status = 200) => assert.equal(r.status, status, r.raw);
const balanceOf = async (who: Signer) => BigInt((await c.call('GET', `/v1/accounts/${who.address}`)).body.balance);
const stakeOf = async (p: string) => (await c.call('GET', `/v1/provers/${p}/stake`)).body as { stake: string; locked: string; unstaking: string; earnings: string };
const audit = async () => {
  const a = (await c.call('GET', '/v1/ledger/audit')).body;
  assert.deepEqual(a.problems, [], 'the ledger audits clean');
  return a as { total: string; deposits: string; withdrawals: string };
};
let seq = 0;
const input = () => Buffer.from([7, ++seq]).toString('base64');
async function request(over: Record<string, unknown> = {}) {
  return call(alice, 'POST', '/v1/requests', { program_id: program, input: input(), backend: 'groth16', max_price: '1000', min_stake: '500', ...over });
}
async function poll(proverId: string, as: Signer = node) {
  const r = await call(as, 'GET', `/tasks/assign/${proverId}`);
  ok(r);
  return r.body as { task_id: string; circuit_input: Record<string, unknown> } | null;
}
async function deliver(proverId: string, task: { task_id: string; circuit_input: Record<string, unknown> }) {
  const proof = await proveBuiltin('data-commitment', 'groth16', task.circuit_input);
  const r = await call(node, 'POST', '/tasks/result', { task_id: task.task_id, prover_id: proverId, proof: proof.bytes });
  ok(r);
  return r.body as { verification_result: string };
}

/** The request the prover holds between two tests. */
let held: Awaited<ReturnType<typeof poll>> = null;

function economicsTests(): void {
  const P = `fast-${Math.random().toString(36).slice(2, 8)}`;

  test('a requester short of funds is refused with 402 and nothing is created; a deposit escrows the fee', async () => {
    const refused = await request({ request_id: 'too-poor' });
    assert.equal(refused.status, 402, refused.raw);
    assert.equal(refused.body.error.code, 'insufficient_funds');
    assert.equal((await c.call('GET', '/v1/requests/too-poor')).status, 404, 'nothing was stored');
    ok(await call(alice, 'POST', '/v1/accounts/deposit', { amount: '10000' }));
    const r = await request({ request_id: 'paid-1' });
    ok(r, 201);
    assert.equal(await balanceOf(alice), 9000n, 'the max price is escrowed');
    const moves = (await c.call('GET', '/v1/requests/paid-1/ledger')).body.movements;
    assert.deepEqual(moves.map((m: { kind: string }) => m.kind), ['escrow']);
    await audit();
  });

  test('the owner registers and stakes; a submitter it authorizes acts for the prover; too little stake cannot win', async () => {
    ok(await call(owner, 'POST', '/provers/register', { prover_id: P, supported_levels: [1], capacity: 4, name: 'Fast' }));
    ok(await call(node, 'POST', '/v1/submitters/consent', { prover_id: P }));
    ok(await call(owner, 'POST', `/v1/provers/${P}/submitters`, { address: node.address }));
    // no stake at all: below the market's minimum to bid
    const bid = await call(node, 'POST', '/v1/auctions/paid-1/bids', { prover_id: P, fee: '1000' });
    assert.equal(bid.status, 409, bid.raw);
    assert.equal(bid.body.error.code, 'stake_below_minimum');
    ok(await call(owner, 'POST', '/v1/accounts/deposit', { amount: '5000' }));
    ok(await call(owner, 'POST', `/v1/provers/${P}/stake`, { amount: '300' }));
    // 300 staked: enough to bid, not enough free stake for a request asking 500
    assert.equal(await poll(P), null, 'the pull skips a request its free stake does not cover');
    const short = await call(node, 'POST', '/v1/auctions/paid-1/bids', { prover_id: P, fee: '1000' });
    assert.equal(short.body.error?.code, 'stake_insufficient', short.raw);
    // the submitter may not stake for it: that is the owner's key
    assert.equal((await call(node, 'POST', `/v1/provers/${P}/stake`, { amount: '1' })).body.error?.code, 'not_owner');
    ok(await call(owner, 'POST', `/v1/provers/${P}/stake`, { amount: '1000' }));
    held = await poll(P);
    assert.equal(held?.task_id, 'paid-1');
    assert.deepEqual({ ...(await stakeOf(P)), locks: undefined, unstakes: undefined, min_stake_to_bid: undefined, prover_id: undefined }, {
      stake: '800', locked: '500', unstaking: '0', earnings: '0', locks: undefined, unstakes: undefined, min_stake_to_bid: undefined, prover_id: undefined,
    });
    await audit();
  });

  test('a verified proof pays the price less the protocol fee, refunds the rest and frees the stake', async () => {
    assert.equal((await deliver(P, held!)).verification_result, 'Pass');
    const s = await stakeOf(P);
    assert.equal(s.earnings, '500', 'price 1000 less the 50% fee');
    assert.equal(s.locked, '0');
    assert.equal(s.stake, '1300');
    assert.equal(await balanceOf(alice), 9000n, 'paid at its max price: nothing to refund');
    const kinds = (await c.call('GET', '/v1/requests/paid-1/ledger')).body.movements.map((m: { kind: string }) => m.kind);
    assert.deepEqual(kinds, ['escrow', 'lock', 'settle', 'unlock']);
    // the owner withdraws the earnings; the submitter may not
    assert.equal((await call(node, 'POST', '/v1/accounts/withdraw', { amount: '100', prover_id: P })).body.error?.code, 'not_owner');
    ok(await call(owner, 'POST', '/v1/accounts/withdraw', { amount: '500', prover_id: P }));
    assert.equal((await stakeOf(P)).earnings, '0');
    await audit();
  });

  test('a winner that misses its deadline is slashed once: half burned, half to the requester; the operator may reverse it', async () => {
    ok(await request({ request_id: 'late-1' }), 201);
    assert.equal((await poll(P))?.task_id, 'late-1');
    const before = await balanceOf(alice);
    c.clock.advance(PROOF_TIMEOUT_MS - 1_000);
    await c.market.sweep();
    assert.equal((await stakeOf(P)).locked, '500', 'not slashed before its deadline');
    c.clock.advance(2_000);
    await c.market.sweep();
    await c.market.sweep(); // a second pass must not slash again
    const slashes = (await c.call('GET', `/v1/slashes?prover_id=${P}`)).body as Array<{ slash_id: string; amount: string; burned: string; to_requester: string; task_id: string }>;
    assert.equal(slashes.length, 1);
    assert.deepEqual([slashes[0]!.task_id, slashes[0]!.amount, slashes[0]!.burned, slashes[0]!.to_requester], ['late-1', '500', '250', '250']);
    assert.equal(await balanceOf(alice), before + 250n, 'the requester is compensated');
    assert.deepEqual({ stake: (await stakeOf(P)).stake, locked: (await stakeOf(P)).locked }, { stake: '800', locked: '0' });
    assert.equal((await c.call('GET', '/v1/requests/late-1')).body.status, 'pending', 'the request goes back to the market');
    // only the operator reverses a slash, with a reason; it is audited, and cannot be reversed twice
    assert.equal((await call(mallory, 'POST', `/v1/slashes/${slashes[0]!.slash_id}/reverse`, { reason: 'please' })).body.error?.code, 'operator_only');
    ok(await call(operator, 'POST', `/v1/slashes/${slashes[0]!.slash_id}/reverse`, { reason: 'the coordinator was down for an hour' }));
    assert.equal((await call(operator, 'POST', `/v1/slashes/${slashes[0]!.slash_id}/reverse`, { reason: 'again' })).body.error?.code, 'slash_already_reversed');
    assert.equal((await stakeOf(P)).stake, '1300', 'the slashed stake is back');
    const log = (await c.call('GET', '/v1/audit')).body as Array<{ action: string; actor: string; reason: string }>;
    assert.equal(log[0]!.action, 'reverse_slash');
    assert.equal(log[0]!.actor, operator.address);
    await audit();
  });

  test('a cancelled request is refunded in full; only its requester may cancel, and only while pending', async () => {
    ok(await request({ request_id: 'cancel-1', min_stake: '0', max_price: '700' }), 201);
    const before = await balanceOf(alice);
    assert.equal((await call(mallory, 'POST', '/v1/requests/cancel-1/cancel')).body.error?.code, 'not_requester');
    const r = await call(alice, 'POST', '/v1/requests/cancel-1/cancel');
    ok(r);
    assert.equal(r.body.status, 'failed');
    assert.equal(await balanceOf(alice), before + 700n);
    assert.equal((await call(alice, 'POST', '/v1/requests/cancel-1/cancel')).body.error?.code, 'not_cancellable');
    await audit();
  });

  test('unstaking waits out its delay (slashable meanwhile), then pays the owner', async () => {
    const before = await balanceOf(owner);
    ok(await call(owner, 'POST', `/v1/provers/${P}/unstake`, { amount: '300' }));
    assert.equal((await stakeOf(P)).unstaking, '300');
    c.clock.advance(economics.unstakeDelayMs - 1_000);
    await c.market.sweep();
    assert.equal(await balanceOf(owner), before, 'not before the delay');
    c.clock.advance(2_000);
    await c.market.sweep();
    assert.equal(await balanceOf(owner), before + 300n);
    assert.equal((await stakeOf(P)).unstaking, '0');
    await audit();
  });

  test('the operator suspends a prover (it gets no work) and reinstates it; both are audited', async () => {
    ok(await request({ request_id: 'suspended-1' }), 201);
    assert.equal((await call(mallory, 'POST', `/v1/provers/${P}/suspend`, { reason: 'spam' })).body.error?.code, 'operator_only');
    ok(await call(operator, 'POST', `/v1/provers/${P}/suspend`, { reason: 'failed proofs under review' }));
    assert.equal((await c.call('GET', `/v1/provers/${P}`)).body.status, 'suspended');
    assert.equal(await poll(P), null, 'a suspended prover gets nothing');
    ok(await call(node, 'POST', '/provers/heartbeat', { prover_id: P }));
    assert.equal((await c.call('GET', `/v1/provers/${P}`)).body.status, 'suspended', 'a heartbeat does not lift a suspension');
    ok(await call(operator, 'POST', `/v1/provers/${P}/reinstate`, { reason: 'review done' }));
    assert.equal((await poll(P))?.task_id, 'suspended-1', 'reinstated, it takes work again');
    const actions = ((await c.call('GET', '/v1/audit')).body as Array<{ action: string }>).map((e) => e.action);
    assert.deepEqual(actions.slice(0, 2), ['reinstate_prover', 'suspend_prover']);
    await audit();
  });

  test('authorization matrix: every mutating endpoint × right key, another key, revoked submitter, no / bad signature, replay, expired timestamp', async () => {
    // a second prover whose submitter gets revoked
    const Q = `${P}-q`;
    const revoked = testSigner(clockOf);
    ok(await call(owner, 'POST', '/provers/register', { prover_id: Q, supported_levels: [1], capacity: 1 }));
    ok(await call(revoked, 'POST', '/v1/submitters/consent', { prover_id: Q }));
    ok(await call(owner, 'POST', `/v1/provers/${Q}/submitters`, { address: revoked.address }));
    ok(await call(owner, 'DELETE', `/v1/provers/${Q}/submitters/${revoked.address}`));
    ok(await request({ request_id: 'matrix-1', min_stake: '0' }), 201);
    const slashId = ((await c.call('GET', `/v1/slashes?prover_id=${P}`)).body as Array<{ slash_id: string }>)[0]!.slash_id;

    type Case = { name: string; method: string; url: string; body?: unknown; right: Signer; prover?: string };
    const endpoints: Case[] = [
      { name: 'submit a request', method: 'POST', url: '/v1/requests', body: { requester: alice.address, program_id: program, input: input(), backend: 'groth16', max_price: '1' }, right: alice },
      { name: 'cancel a request', method: 'POST', url: '/v1/requests/matrix-1/cancel', right: alice },
      { name: 'poll', method: 'GET', url: `/tasks/assign/${Q}`, right: owner, prover: Q },
      { name: 'heartbeat', method: 'POST', url: '/provers/heartbeat', body: { prover_id: Q }, right: owner, prover: Q },
      { name: 'bid', method: 'POST', url: '/v1/auctions/matrix-1/bids', body: { prover_id: Q, fee: '1000' }, right: owner, prover: Q },
      { name: 'start', method: 'POST', url: '/v1/tasks/suspended-1/start', body: { prover_id: Q }, right: owner, prover: Q },
      { name: 'release', method: 'POST', url: '/v1/tasks/suspended-1/release', body: { prover_id: Q }, right: owner, prover: Q },
      { name: 'submit a result', method: 'POST', url: '/tasks/result', body: { task_id: 'suspended-1', prover_id: Q, proof: [1, 2, 3] }, right: owner, prover: Q },
      { name: 'stake', method: 'POST', url: `/v1/provers/${Q}/stake`, body: { amount: '1' }, right: owner },
      { name: 'unstake', method: 'POST', url: `/v1/provers/${Q}/unstake`, body: { amount: '1' }, right: owner },
      { name: 'withdraw earnings', method: 'POST', url: '/v1/accounts/withdraw', body: { amount: '1', prover_id: Q }, right: owner },
      { name: 'suspend', method: 'POST', url: `/v1/provers/${Q}/suspend`, body: { reason: 'matrix' }, right: operator },
      { name: 'reverse a slash', method: 'POST', url: `/v1/slashes/${slashId}/reverse`, body: { reason: 'matrix' }, right: operator },
    ];
    const AUTH_CODES = new Set(['signature_missing', 'signature_malformed', 'signature_invalid', 'timestamp_out_of_window', 'nonce_replayed', 'not_owner', 'not_prover_agent', 'not_requester', 'operator_only', 'signer_mismatch']);
    const codeOf = (r: { body: any }) => (r.body && typeof r.body === 'object' ? r.body.error?.code : undefined);
    const raw = async (e: Case, headers: Record<string, string>) => c.call(e.method, e.url, e.body === undefined ? undefined : JSON.stringify(e.body), headers);
    const sign = (s: Signer, e: Case) => s.sign({ method: e.method, host: INJECT_HOST, path: e.url, body: e.body === undefined ? '' : JSON.stringify(e.body) });

    for (const e of endpoints) {
      const other = e.right === alice ? mallory : alice;
      // another participant's key
      const wrong = await call(other, e.method, e.url, e.body);
      assert.equal(wrong.status, 403, `${e.name}, another key: ${wrong.raw}`);
      // a revoked submitter
      if (e.prover) assert.equal((await call(revoked, e.method, e.url, e.body)).status, 403, `${e.name}, revoked submitter`);
      // no signature (this coordinator is not --open)
      const none = await raw(e, {});
      assert.equal(none.status, 401, `${e.name}, unsigned: ${none.raw}`);
      assert.equal(codeOf(none), 'signature_missing');
      // a bad signature: signed by someone else under the right address
      const forged = { ...(await sign(mallory, e)), 'x-pm-address': e.right.address };
      assert.equal(codeOf(await raw(e, forged)), 'signature_invalid', `${e.name}, bad signature`);
      // an expired timestamp
      const stale = testSigner({ clock: { now: () => new Date(c.clock.now().getTime() - 3_600_000) } as never });
      assert.equal(codeOf(await raw(e, { ...(await sign(stale, e)), 'x-pm-address': stale.address })), 'timestamp_out_of_window', `${e.name}, expired`);
      // the right key: whatever the business answer, it is not an authorization refusal; then a replay of it is
      const headers = await sign(e.right, e);
      const right = await raw(e, headers);
      assert.ok(right.status < 500 && !AUTH_CODES.has(codeOf(right)), `${e.name}, right key: ${right.raw}`);
      const replay = await raw(e, headers);
      assert.equal(codeOf(replay), 'nonce_replayed', `${e.name}, replayed: ${replay.raw}`);
    }
    await audit();
  });
}

