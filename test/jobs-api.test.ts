// Seed 004's job API over HTTP (fastify inject, manual clock): the seed's own unsigned flow under --open, the
// same flow signed, every refusal, failures, cancellation, expiry and image checks; the ledger audits clean.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { DEFAULT_ECONOMICS } from '../src/domain/ledger.ts';
import { JOB_STATUSES } from '../src/domain/jobs/job.ts';
import { JOB_STATUSES as WIRE_STATUSES } from '../src/api/jobs.ts';
import type { Signer } from '../src/sdk/signer.ts';
import { testCoordinator, type TestCoordinator } from './support/coordinator.ts';
import { signedCall, testSigner } from './support/signing.ts';
import { storesUnderTest } from './support/services.ts';
import type { Db } from '../src/store/db.ts';

after(() => terminateCurves());

test('the wire contract lists the domain\'s job statuses', () => assert.deepEqual([...WIRE_STATUSES], [...JOB_STATUSES]));

const SEED_BODY = {
  image: 'alpine',
  cmd: ['echo', 'hello'],
  resources: { cpu: 1, ramGB: 1, gpu: 0, storageGB: 1 },
  inputs: [],
  maxPriceEth: '0.01',
  timeoutSec: 600,
  verifier: 'hash-only',
  outputs: [{ path: '/out/output.txt' }],
};
const REQUESTER = '0x742d35cc6634c0532925a3b8d4c9db96c4b4d8b6';
const PROVIDER = '0xabcdef1234567890abcdef1234567890abcdef12';
const TX = `0x${'ab'.repeat(32)}`;
const PRICE = 10_000_000_000_000_000n; // 0.01 ether in wei
const results = (jobId: string, over: Record<string, unknown> = {}) => ({
  jobId,
  artifacts: [{ path: '/out/output.txt', sha256: 'a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3', size: 12, localUri: `/outputs/${jobId}/output.txt` }],
  stdoutTail: 'Job completed successfully',
  stderrTail: '',
  runtimeSec: 2,
  exitCode: 0,
  ...over,
});

let c: TestCoordinator;
const ok = (r: { status: number; raw: string }, status = 200) => assert.equal(r.status, status, r.raw);
const refused = (r: { status: number; body: any; raw: string }, status: number, code: string, message?: RegExp) => {
  assert.equal(r.status, status, r.raw);
  assert.equal(r.body.error.code, code, r.raw);
  if (message) assert.match(r.body.error.message, message);
};
const balanceOf = async (who: string) => BigInt((await c.call('GET', `/v1/accounts/${who}`)).body.balance);
const audit = async () => assert.deepEqual((await c.call('GET', '/v1/ledger/audit')).body.problems, [], 'the ledger audits clean');

for (const store of storesUnderTest()) {
  describe(`the seed flow, unsigned, under serve --open, on ${store.name}`, { skip: store.skip }, () => {
    let db: Db | undefined;
    before(async () => {
      db = await store.open();
      c = await testCoordinator({ economics: { ...DEFAULT_ECONOMICS, protocolFeeBps: 100 } }, db);
    });
    after(async () => {
      await c.close();
      await db?.close();
    });

    test('create, fund, match, poll, results, status, accept: the seed\'s bodies and answers', async () => {
      const created = await c.call('POST', '/jobs', SEED_BODY, { 'x-requester-addr': REQUESTER });
      ok(created);
      assert.match(created.body.jobId, /^0x[0-9a-f]{64}$/);
      assert.deepEqual({ ...created.body, jobId: 'x' }, { jobId: 'x', expectedEscrowEth: '0.01', status: 'CREATED' });
      const id = created.body.jobId as string;

      const funded = await c.call('POST', `/jobs/${id}/fund`, { txHash: TX });
      assert.deepEqual(funded.body, { ok: true, status: 'FUNDED' });

      ok(await c.call('POST', '/match', { jobId: id, providerAddr: PROVIDER }));
      const poll = await c.call('GET', `/jobs?status=MATCHED&provider=${PROVIDER}`);
      ok(poll);
      assert.equal(poll.body.jobs.length, 1);
      const spec = poll.body.jobs[0];
      assert.deepEqual([spec.jobId, spec.image, spec.cmd, spec.outputs, spec.resources, spec.timeoutSec], [id, 'alpine', ['echo', 'hello'], [{ path: '/out/output.txt' }], SEED_BODY.resources, 600]);

      const submitted = await c.call('POST', '/results', results(id));
      assert.deepEqual(submitted.body, { ok: true, status: 'RESULT_SUBMITTED' });

      const view = (await c.call('GET', `/jobs/${id}`)).body;
      assert.equal(view.status, 'RESULT_SUBMITTED');
      assert.deepEqual([view.requesterAddr, view.providerAddr, view.priceEth, view.priceWei, view.fundTx], [REQUESTER, PROVIDER, '0.01', PRICE.toString(), TX]);
      assert.equal(view.result.artifacts[0].sha256, results(id).artifacts[0]!.sha256);
      for (const k of ['createdAt', 'updatedAt', 'assignedAt']) assert.ok(!Number.isNaN(Date.parse(view[k])), k);
      assert.deepEqual(view.history.map((h: any) => h.to), ['CREATED', 'FUNDED', 'MATCHED', 'RESULT_SUBMITTED']);

      const before = await balanceOf(PROVIDER);
      const accepted = await c.call('POST', `/jobs/${id}/accept`, { providerAddr: PROVIDER });
      assert.deepEqual(accepted.body, { ok: true, status: 'ACCEPTED', providerAddr: PROVIDER, paidEth: '0.01' });
      assert.equal(await balanceOf(PROVIDER) - before, PRICE - PRICE / 100n, 'the provider is paid the price less the 1% fee');
      refused(await c.call('POST', `/jobs/${id}/accept`, { providerAddr: PROVIDER }), 409, 'job_wrong_status', /ACCEPTED/);
      refused(await c.call('POST', `/jobs/${id}/cancel`), 409, 'job_not_cancellable');
      await audit();
    });

    test('the seed CLI\'s spellings: fund {tx}, accept {provider}, cmd as a shell string, RUNNING through start', async () => {
      const id = (await c.call('POST', '/jobs', { ...SEED_BODY, cmd: "echo 'Hello World' > /out/output.txt" }, { 'x-requester-addr': REQUESTER })).body.jobId;
      assert.deepEqual((await c.call('GET', `/jobs/${id}`)).body.spec.cmd, ['sh', '-c', "echo 'Hello World' > /out/output.txt"]);
      ok(await c.call('POST', `/jobs/${id}/fund`, { tx: TX }));
      ok(await c.call('POST', '/match', { jobId: id, providerAddr: PROVIDER }));
      assert.deepEqual((await c.call('POST', `/jobs/${id}/start`, { providerAddr: PROVIDER })).body, { ok: true, status: 'RUNNING' });
      assert.equal((await c.call('GET', `/jobs?status=RUNNING&provider=${PROVIDER}`)).body.jobs.length, 1);
      ok(await c.call('POST', '/results', results(id, { providerAddr: PROVIDER })));
      assert.equal((await c.call('POST', `/jobs/${id}/accept`, { provider: PROVIDER })).body.status, 'ACCEPTED');
      await audit();
    });

    test('a failed container (oom, exit 137) ends FAILED and refunds the requester', async () => {
      const id = (await c.call('POST', '/jobs', SEED_BODY, { 'x-requester-addr': REQUESTER })).body.jobId;
      ok(await c.call('POST', `/jobs/${id}/fund`, {}));
      const funded = await balanceOf(REQUESTER);
      ok(await c.call('POST', '/match', { jobId: id, providerAddr: PROVIDER }));
      assert.deepEqual((await c.call('POST', '/results', results(id, { artifacts: [], exitCode: 137, failure: 'oom' }))).body, { ok: true, status: 'FAILED' });
      const view = (await c.call('GET', `/jobs/${id}`)).body;
      assert.deepEqual([view.status, view.failure], ['FAILED', 'oom']);
      assert.equal(await balanceOf(REQUESTER) - funded, PRICE, 'refunded in full');
      refused(await c.call('POST', `/jobs/${id}/accept`, {}), 409, 'job_wrong_status');
      // a non-zero exit without a reason is a failure too
      const other = (await c.call('POST', '/jobs', SEED_BODY, { 'x-requester-addr': REQUESTER })).body.jobId;
      ok(await c.call('POST', `/jobs/${other}/fund`, {}));
      ok(await c.call('POST', '/match', { jobId: other, providerAddr: PROVIDER }));
      assert.equal((await c.call('POST', '/results', results(other, { exitCode: 1 }))).body.status, 'FAILED');
      assert.equal((await c.call('GET', `/jobs/${other}`)).body.failure, 'error');
      await audit();
    });

    test('cancel: at once before matching; once matched, only after the job\'s timeout; funded jobs nobody takes expire', async () => {
      const a = (await c.call('POST', '/jobs', SEED_BODY, { 'x-requester-addr': REQUESTER })).body.jobId;
      assert.deepEqual((await c.call('POST', `/jobs/${a}/cancel`)).body, { ok: true, status: 'CANCELED', refundedEth: '0' });
      const b = (await c.call('POST', '/jobs', { ...SEED_BODY, timeoutSec: 60 }, { 'x-requester-addr': REQUESTER })).body.jobId;
      ok(await c.call('POST', `/jobs/${b}/fund`, {}));
      ok(await c.call('POST', '/match', { jobId: b, providerAddr: PROVIDER }));
      refused(await c.call('POST', `/jobs/${b}/cancel`), 409, 'job_not_cancellable', /timeout passes/);
      c.clock.advance(61_000);
      assert.deepEqual((await c.call('POST', `/jobs/${b}/cancel`)).body, { ok: true, status: 'CANCELED', refundedEth: '0.01' });
      refused(await c.call('POST', '/results', results(b)), 409, 'job_wrong_status');

      const e = (await c.call('POST', '/jobs', { ...SEED_BODY, timeoutSec: 30 }, { 'x-requester-addr': REQUESTER })).body.jobId;
      ok(await c.call('POST', `/jobs/${e}/fund`, {}));
      const funded = await balanceOf(REQUESTER);
      await c.market.sweep();
      assert.equal((await c.call('GET', `/jobs/${e}`)).body.status, 'FUNDED', 'not before its timeout');
      c.clock.advance(31_000);
      await c.market.sweep();
      const view = (await c.call('GET', `/jobs/${e}`)).body;
      assert.equal(view.status, 'EXPIRED');
      assert.equal(view.history.at(-1).cause, 'expired');
      assert.equal(await balanceOf(REQUESTER) - funded, PRICE);
      refused(await c.call('POST', '/match', { jobId: e, providerAddr: PROVIDER }), 409, 'job_wrong_status');
      await audit();
    });

    test('an image no advertising provider holds is refused at matching', async () => {
      ok(await c.call('POST', '/v1/job-providers', { providerAddr: PROVIDER, images: ['busybox:latest'] }));
      const id = (await c.call('POST', '/jobs', SEED_BODY, { 'x-requester-addr': REQUESTER })).body.jobId;
      ok(await c.call('POST', `/jobs/${id}/fund`, {}));
      refused(await c.call('POST', '/match', { jobId: id, providerAddr: PROVIDER }), 409, 'image_not_found', /^alpine is not present on provider 0xabcdef.*busybox:latest/);
      const busy = (await c.call('POST', '/jobs', { ...SEED_BODY, image: 'busybox:latest' }, { 'x-requester-addr': REQUESTER })).body.jobId;
      ok(await c.call('POST', `/jobs/${busy}/fund`, {}));
      ok(await c.call('POST', '/match', { jobId: busy, providerAddr: PROVIDER }));
      ok(await c.call('POST', '/v1/job-providers', { providerAddr: PROVIDER, images: ['alpine', 'busybox:latest'] }));
      ok(await c.call('POST', '/match', { jobId: id, providerAddr: PROVIDER }));
    });

    test('bad input: ether amounts, job ids, specs, missing requester', async () => {
      for (const maxPriceEth of ['0.0000000000000000001', '-1', '1e-3', 'abc', '0.1.2', ' 1', '', '.5', 0.5, -2]) {
        refused(await c.call('POST', '/jobs', { ...SEED_BODY, maxPriceEth }, { 'x-requester-addr': REQUESTER }), 400, 'invalid_ether_amount');
      }
      const exact = await c.call('POST', '/jobs', { ...SEED_BODY, maxPriceEth: '0.000000000000000001' }, { 'x-requester-addr': REQUESTER });
      assert.equal((await c.call('GET', `/jobs/${exact.body.jobId}`)).body.priceWei, '1', 'one wei, exactly');
      assert.equal((await c.call('POST', '/jobs', { ...SEED_BODY, maxPriceEth: '1234.5' }, { 'x-requester-addr': REQUESTER })).body.expectedEscrowEth, '1234.5');
      for (const bad of ['0x123', 'xyz', `0x${'g'.repeat(64)}`, `${'a'.repeat(64)}`]) {
        refused(await c.call('GET', `/jobs/${bad}`), 400, 'invalid_job_id');
        refused(await c.call('POST', `/jobs/${bad}/fund`, {}), 400, 'invalid_job_id');
        refused(await c.call('POST', '/match', { jobId: bad, providerAddr: PROVIDER }), 400, 'invalid_job_id');
        refused(await c.call('POST', '/results', results(bad)), 400, 'invalid_job_id');
      }
      refused(await c.call('GET', `/jobs/0x${'0'.repeat(64)}`), 404, 'job_not_found');
      refused(await c.call('POST', '/jobs', { ...SEED_BODY, outputs: [{ path: '/etc/passwd' }] }, { 'x-requester-addr': REQUESTER }), 400, 'invalid_job_spec');
      refused(await c.call('POST', '/jobs', { ...SEED_BODY, outputs: [{ path: '/out/../etc' }] }, { 'x-requester-addr': REQUESTER }), 400, 'invalid_job_spec');
      refused(await c.call('POST', '/jobs', { ...SEED_BODY, verifier: 'magic' }, { 'x-requester-addr': REQUESTER }), 400, 'invalid_job_spec');
      refused(await c.call('POST', '/jobs', { ...SEED_BODY, cmd: [' '] }, { 'x-requester-addr': REQUESTER }), 400, 'invalid_job_spec');
      refused(await c.call('POST', '/jobs', SEED_BODY), 400, 'invalid_request', /x-requester-addr/);
      refused(await c.call('POST', '/jobs', SEED_BODY, { 'x-requester-addr': 'alice' }), 400, 'invalid_address');
      refused(await c.call('POST', '/jobs', { ...SEED_BODY, gpu: 1 }, { 'x-requester-addr': REQUESTER }), 400, 'invalid_request');
      refused(await c.call('POST', '/jobs/0x12/fund', { txHash: '0x12' }), 400, 'invalid_request');
      refused(await c.call('GET', '/jobs?status=DONE'), 400, 'invalid_request');
    });
  });
}

describe('signed calls', () => {
  const clockOf = { get clock() { return c.clock; } };
  const alice = testSigner(clockOf); // the requester
  const bob = testSigner(clockOf); // the provider
  const mallory = testSigner(clockOf);
  const call = (s: Signer, method: string, url: string, body?: unknown) => signedCall(c, s, method, url, body);

  before(async () => {
    c = await testCoordinator({ open: false });
  });
  after(() => c.close());

  test('the flow signed, and who may do what', async () => {
    refused(await c.call('POST', '/jobs', SEED_BODY, { 'x-requester-addr': REQUESTER }), 401, 'signature_missing');
    const created = await call(alice, 'POST', '/jobs', SEED_BODY);
    ok(created);
    const id = created.body.jobId as string;
    refused(await c.call('POST', `/jobs/${id}/fund`, {}), 401, 'signature_missing');
    refused(await call(mallory, 'POST', `/jobs/${id}/fund`, {}), 403, 'not_job_requester');
    refused(await call(alice, 'POST', `/jobs/${id}/fund`, { txHash: TX }), 402, 'insufficient_funds');
    ok(await call(alice, 'POST', '/v1/accounts/deposit', { amount: (PRICE * 2n).toString() }));
    ok(await call(alice, 'POST', `/jobs/${id}/fund`, { txHash: TX }));
    assert.equal(await balanceOf(alice.address), PRICE);

    refused(await call(mallory, 'POST', '/match', { jobId: id, providerAddr: bob.address }), 403, 'not_job_requester');
    ok(await call(alice, 'POST', '/match', { jobId: id, providerAddr: bob.address }));
    refused(await call(mallory, 'POST', `/jobs/${id}/start`, {}), 403, 'not_job_provider');
    refused(await call(mallory, 'POST', '/results', results(id)), 403, 'not_job_provider');
    refused(await call(bob, 'POST', '/results', results(id, { providerAddr: mallory.address })), 403, 'signer_mismatch');
    refused(await c.call('POST', '/results', results(id)), 401, 'signature_missing');
    ok(await call(bob, 'POST', `/jobs/${id}/start`, {}));
    ok(await call(bob, 'POST', '/results', results(id)));

    refused(await call(mallory, 'POST', `/jobs/${id}/accept`, { providerAddr: bob.address }), 403, 'not_job_requester');
    refused(await call(alice, 'POST', `/jobs/${id}/cancel`), 409, 'job_not_cancellable', /without results/);
    refused(await call(mallory, 'POST', `/jobs/${id}/cancel`), 403, 'not_job_requester');
    refused(await call(alice, 'POST', `/jobs/${id}/accept`, { providerAddr: mallory.address }), 403, 'not_job_provider');
    ok(await call(alice, 'POST', `/jobs/${id}/accept`, { providerAddr: bob.address }));
    refused(await call(alice, 'POST', `/jobs/${id}/accept`, { providerAddr: bob.address }), 409, 'job_wrong_status');
    const fee = (PRICE * BigInt(DEFAULT_ECONOMICS.protocolFeeBps)) / 10_000n;
    assert.equal(await balanceOf(bob.address), PRICE - fee);
    refused(await call(alice, 'POST', '/jobs', { ...SEED_BODY, requester: bob.address }), 403, 'signer_mismatch');
    await audit();
  });
});

describe('automatic matching among advertising providers', () => {
  const P1 = '0x1111111111111111111111111111111111111111';
  const P3 = '0x3333333333333333333333333333333333333333';
  before(async () => {
    c = await testCoordinator();
  });
  after(() => c.close());

  const post = async (over: Record<string, unknown> = {}) => {
    const id = (await c.call('POST', '/jobs', { ...SEED_BODY, image: 'busybox', ...over }, { 'x-requester-addr': REQUESTER })).body.jobId as string;
    ok(await c.call('POST', `/jobs/${id}/fund`, {}));
    return id;
  };
  const job = async (id: string) => (await c.call('GET', `/jobs/${id}`)).body;

  test('after the grace for manual matching, the engine matches a provider that holds the image and has room; reputation counts', async () => {
    ok(await c.call('POST', '/v1/job-providers', { providerAddr: P1, images: ['busybox'], capacity: { cpu: 2 } }));
    const a = await post();
    const nowhere = await post({ image: 'nothing:1', timeoutSec: 300 });
    await c.market.sweep();
    assert.equal((await job(a)).status, 'FUNDED', 'its requester may still match it by hand');
    c.clock.advance(61_000);
    await c.market.sweep();
    const matched = await job(a);
    assert.deepEqual([matched.status, matched.providerAddr, matched.history.at(-1).cause, matched.history.at(-1).detail.mechanism], ['MATCHED', P1, 'auto_matched', 'weighted']);
    assert.equal((await job(nowhere)).status, 'FUNDED', 'no provider holds its image');
    const big = await post({ resources: { cpu: 2 } });
    c.clock.advance(61_000);
    await c.market.sweep();
    assert.equal((await job(big)).status, 'FUNDED', 'P1 has one CPU left');

    // P1 delivers and is accepted: a success on its record; then a roomier provider without history appears
    ok(await c.call('POST', '/results', results(a)));
    ok(await c.call('POST', `/jobs/${a}/accept`, {}));
    const [obs] = await c.db.query<{ success: boolean; cause: string }>(`SELECT success, cause FROM reputation_events WHERE prover_id = $1`, [P1]);
    assert.deepEqual(obs, { success: true, cause: 'job_accepted' });
    ok(await c.call('POST', '/v1/job-providers', { providerAddr: P3, images: ['busybox'], capacity: { cpu: 8, ramGB: 16 } }));
    const b = await post();
    c.clock.advance(61_000);
    await c.market.sweep();
    // the older job first: both may run it now, and P1's record beats P3's room; then P1 is full, so b goes to P3
    assert.equal((await job(big)).providerAddr, P1, 'weighted: the record beats the room');
    assert.equal((await job(b)).providerAddr, P3, 'P1 has no CPU left');
    c.clock.advance(300_000);
    await c.market.sweep();
    assert.equal((await job(nowhere)).status, 'EXPIRED');
    await audit();
  });
});
