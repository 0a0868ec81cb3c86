// Verification by redundancy through the API (issue #15 §4, `verifier: "redundant:N"`), over HTTP with a manual
// clock and no containers: N distinct providers are matched, each polls its run and submits results by
// POST /results; when a majority of output hashes agree the job is accepted by itself, each provider of the
// majority paid the price less the fee, the rest of the N × price escrow refunded, and the dissenter slashed by
// the stake rules. No majority fails the job, refunded in full, nobody slashed. The ledger audits clean.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { DEFAULT_ECONOMICS } from '../src/domain/ledger.ts';
import { testCoordinator, type TestCoordinator } from './support/coordinator.ts';

after(() => terminateCurves());

const REQUESTER = '0x742d35cc6634c0532925a3b8d4c9db96c4b4d8b6';
const [P1, P2, P3] = ['1', '2', '3'].map((d) => `0x${d.repeat(40)}`) as [string, string, string];
const ETH = 10n ** 18n;
const PRICE = ETH / 100n; // 0.01
const STAKE = ETH / 20n; // 0.05
const BODY = { image: 'busybox', cmd: 'echo 42 > /out/answer.txt', maxPriceEth: '0.01', minStakeEth: '0.05', verifier: 'redundant:3', timeoutSec: 600 };
const results = (jobId: string, providerAddr: string, sha: string, over: Record<string, unknown> = {}) => ({
  jobId, providerAddr, artifacts: [{ path: '/out/answer.txt', sha256: sha.repeat(64 / sha.length), size: 3 }], stdoutTail: '', stderrTail: '', runtimeSec: 0.25, exitCode: 0, ...over,
});

let c: TestCoordinator;
const ok = (r: { status: number; raw: string }, status = 200) => assert.equal(r.status, status, r.raw);
const refused = (r: { status: number; body: any; raw: string }, status: number, code: string) => {
  assert.equal(r.status, status, r.raw);
  assert.equal(r.body.error.code, code, r.raw);
};
const balance = async (who: string) => BigInt((await c.call('GET', `/v1/accounts/${who}`)).body.balance);
const stake = async (p: string) => {
  const s = (await c.call('GET', `/v1/provers/${p}/stake`)).body;
  return [BigInt(s.stake), BigInt(s.locked)];
};
const audit = async () => assert.deepEqual((await c.call('GET', '/v1/ledger/audit')).body.problems, [], 'the ledger audits clean');
const job = async (id: string) => (await c.call('GET', `/jobs/${id}`)).body;
const poll = async (p: string) => (await c.call('GET', `/jobs?status=MATCHED&provider=${p}`)).body.jobs.map((j: { jobId: string }) => j.jobId);

async function post(over: Record<string, unknown> = {}): Promise<string> {
  const r = await c.call('POST', '/jobs', { ...BODY, ...over }, { 'x-requester-addr': REQUESTER });
  ok(r);
  ok(await c.call('POST', `/jobs/${r.body.jobId}/fund`, {}));
  return r.body.jobId as string;
}

describe('redundant:N through the API', () => {
  before(async () => {
    c = await testCoordinator({ economics: { ...DEFAULT_ECONOMICS, protocolFeeBps: 100, faucetMax: 10n * ETH } });
    for (const p of [P1, P2, P3]) {
      ok(await c.call('POST', '/provers/register', { prover_id: p, supported_levels: [1], capacity: 1 }));
      ok(await c.call('POST', '/v1/accounts/faucet', { address: p, amount: (ETH / 10n).toString() }));
      ok(await c.call('POST', `/v1/provers/${p}/stake`, { amount: (ETH / 10n).toString() }));
    }
  });
  after(() => c.close());

  test('three providers, two agree: accepted by itself, the two paid, the third slashed, the rest refunded', async () => {
    const created = await c.call('POST', '/jobs', BODY, { 'x-requester-addr': REQUESTER });
    assert.equal(created.body.expectedEscrowEth, '0.03', 'N × price');
    const id = created.body.jobId as string;
    ok(await c.call('POST', `/jobs/${id}/fund`, {}));
    const requesterAfterFunding = await balance(REQUESTER);
    for (const p of [P1, P2, P3]) ok(await c.call('POST', '/match', { jobId: id, providerAddr: p }));
    refused(await c.call('POST', '/match', { jobId: id, providerAddr: P1 }), 409, 'job_wrong_status');
    assert.deepEqual([await poll(P1), await poll(P2), await poll(P3)], [[id], [id], [id]], 'each provider polls its run');
    assert.deepEqual(await stake(P1), [ETH / 10n - STAKE, STAKE]);

    ok(await c.call('POST', `/jobs/${id}/start`, { providerAddr: P1 }));
    assert.deepEqual(await poll(P1), [], 'a started run is not handed out again');
    refused(await c.call('POST', '/results', results(id, '0x4444444444444444444444444444444444444444', 'ab')), 403, 'not_job_provider');
    const first = await c.call('POST', '/results', results(id, P1, 'ab'));
    assert.deepEqual(first.body, { ok: true, status: 'MATCHED' }, 'one run in of three: pending');
    refused(await c.call('POST', '/results', results(id, P1, 'ab')), 409, 'job_wrong_status');
    const dissent = await c.call('POST', '/results', results(id, P3, 'cd'));
    assert.equal(dissent.body.status, 'MATCHED', 'one against one: a majority is still possible');
    const decided = await c.call('POST', '/results', results(id, P2, 'ab'));
    assert.deepEqual(decided.body, { ok: true, status: 'ACCEPTED' });

    const view = await job(id);
    assert.equal(view.result.artifacts[0].sha256, 'ab'.repeat(32), 'the majority\'s outputs are the job\'s');
    const verdict = view.history.at(-1);
    assert.deepEqual([verdict.to, verdict.detail.majority, verdict.detail.minority, verdict.detail.slashed], ['ACCEPTED', [P1, P2], [P3], [P3]]);
    const paid = PRICE - PRICE / 100n; // the price less the 1% fee
    for (const p of [P1, P2]) assert.equal(await balance(p), paid, `${p} is paid`);
    assert.equal(await balance(P3), 0n, 'the dissenter is not paid');
    // half of P3's 0.05 lock burned, half to the requester, who also gets back the third run's price
    assert.equal(await balance(REQUESTER) - requesterAfterFunding, PRICE + STAKE / 2n);
    assert.deepEqual([await stake(P1), await stake(P2), await stake(P3)], [[ETH / 10n, 0n], [ETH / 10n, 0n], [ETH / 10n - STAKE, 0n]]);
    const obs = await c.db.query<{ prover_id: string; success: boolean; cause: string }>(`SELECT prover_id, success, cause FROM reputation_events WHERE task_id = $1 ORDER BY prover_id`, [id]);
    assert.deepEqual(obs, [{ prover_id: P1, success: true, cause: 'job_accepted' }, { prover_id: P2, success: true, cause: 'job_accepted' }, { prover_id: P3, success: false, cause: 'job_outvoted' }]);
    refused(await c.call('POST', `/jobs/${id}/accept`, {}), 409, 'job_wrong_status');
    await audit();
  });

  test('no majority possible: FAILED, refunded in full, every lock released, nobody slashed', async () => {
    const id = await post({ verifier: 'redundant:2' });
    const before = await balance(REQUESTER);
    for (const p of [P1, P2]) ok(await c.call('POST', '/match', { jobId: id, providerAddr: p }));
    ok(await c.call('POST', '/results', results(id, P1, '12')));
    const r = await c.call('POST', '/results', results(id, P2, '34'));
    assert.equal(r.body.status, 'FAILED');
    assert.equal(await balance(REQUESTER) - before, 2n * PRICE);
    assert.deepEqual([await stake(P1), await stake(P2)], [[ETH / 10n, 0n], [ETH / 10n, 0n]]);
    assert.equal((await job(id)).history.at(-1).detail.verdict, 'no_majority');
    await audit();
  });

  test('automatic matching takes N distinct providers at once; a run that never answers is slashed at cancel', async () => {
    for (const p of [P1, P2, P3]) ok(await c.call('POST', '/v1/job-providers', { providerAddr: p, images: ['busybox'], capacity: { cpu: 4 } }));
    const id = await post({ verifier: 'redundant:2', minStakeEth: '0.01', timeoutSec: 120 });
    c.clock.advance(61_000);
    await c.market.sweep();
    const matched = (await job(id)).history.filter((h: { cause: string }) => h.cause === 'auto_matched');
    assert.equal(matched.length, 2);
    const [a, b] = matched.map((h: { detail: { provider: string } }) => h.detail.provider);
    assert.notEqual(a, b);
    ok(await c.call('POST', '/results', results(id, a, 'ef')));
    c.clock.advance(121_000);
    const before = await stake(b);
    ok(await c.call('POST', `/jobs/${id}/cancel`));
    assert.deepEqual(await stake(b), [before[0], 0n], 'the silent run is slashed: its lock is gone, none of it back');
    assert.deepEqual((await job(id)).history.at(-1).detail.slashedWei, (ETH / 100n).toString());
    assert.deepEqual(await stake(a), [ETH / 10n, 0n], 'the run that answered is released');
    await audit();
  });
});
