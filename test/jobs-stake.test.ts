// A job provider's stake and reputation (issue #15 §4), over HTTP with a manual clock: a job asking minStakeEth
// locks that much of its provider's stake when matched by hand or by the market, under the stake rules of
// requests; results release it; a provider that misses the job's timeout (the requester cancels) is slashed and
// has a failure on its record. The ledger audits clean after each step.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { DEFAULT_ECONOMICS } from '../src/domain/ledger.ts';
import { testCoordinator, type TestCoordinator } from './support/coordinator.ts';

after(() => terminateCurves());

const REQUESTER = '0x742d35cc6634c0532925a3b8d4c9db96c4b4d8b6';
const STAKED = '0x5555555555555555555555555555555555555555';
const BARE = '0x6666666666666666666666666666666666666666';
const ETH = 10n ** 18n;
const BODY = { image: 'busybox', cmd: ['true'], maxPriceEth: '0.01', minStakeEth: '0.05', timeoutSec: 60, outputs: [{ path: '/out/o.txt' }] };
const results = (jobId: string, providerAddr: string, over: Record<string, unknown> = {}) => ({
  jobId, providerAddr, artifacts: [{ path: '/out/o.txt', sha256: 'ab'.repeat(32), size: 3 }], stdoutTail: '', stderrTail: '', runtimeSec: 0.731, exitCode: 0, ...over,
});

let c: TestCoordinator;
const ok = (r: { status: number; raw: string }, status = 200) => assert.equal(r.status, status, r.raw);
const stake = async (p: string) => {
  const s = (await c.call('GET', `/v1/provers/${p}/stake`)).body;
  return { stake: BigInt(s.stake), locked: BigInt(s.locked), locks: s.locks as Array<{ request_id: string; amount: string }> };
};
const audit = async () => assert.deepEqual((await c.call('GET', '/v1/ledger/audit')).body.problems, [], 'the ledger audits clean');
const job = async (id: string) => (await c.call('GET', `/jobs/${id}`)).body;
const post = async (over: Record<string, unknown> = {}) => {
  const r = await c.call('POST', '/jobs', { ...BODY, ...over }, { 'x-requester-addr': REQUESTER });
  ok(r);
  ok(await c.call('POST', `/jobs/${r.body.jobId}/fund`, {}));
  return r.body.jobId as string;
};
const observations = (p: string) => c.db.query<{ success: boolean; cause: string }>(`SELECT success, cause FROM reputation_events WHERE prover_id = $1 ORDER BY id`, [p]);

/** A provider with stake: registered as a prover under its address (unsigned, --open), funded by the faucet, staked. */
async function stakedProvider(p: string, amount: bigint): Promise<void> {
  ok(await c.call('POST', '/provers/register', { prover_id: p, supported_levels: [1], capacity: 1 }));
  ok(await c.call('POST', '/v1/accounts/faucet', { address: p, amount: amount.toString() }));
  ok(await c.call('POST', `/v1/provers/${p}/stake`, { amount: amount.toString() }));
}

describe('a job provider\'s stake', () => {
  before(async () => {
    c = await testCoordinator({ economics: { ...DEFAULT_ECONOMICS, faucetMax: 10n * ETH } });
    await stakedProvider(STAKED, ETH / 10n); // 0.1 ether
  });
  after(() => c.close());

  test('a manual match locks minStakeEth; a provider without stake is refused; results release the lock', async () => {
    const id = await post();
    assert.equal((await job(id)).minStakeEth, '0.05');
    const refused = await c.call('POST', '/match', { jobId: id, providerAddr: BARE });
    assert.equal(refused.status, 409, refused.raw);
    assert.equal(refused.body.error.code, 'stake_insufficient');
    ok(await c.call('POST', '/match', { jobId: id, providerAddr: STAKED }));
    const locked = await stake(STAKED);
    assert.deepEqual([locked.stake, locked.locked, locked.locks.map((l) => l.request_id)], [ETH / 20n, ETH / 20n, [id]]);
    assert.equal((await job(id)).history.at(-1).detail.stakeLockedWei, (ETH / 20n).toString());
    await audit();
    // 0.05 free is left: a second job asking 0.05 would overcommit (free must cover the new lock plus what is locked)
    const second = await post();
    assert.equal((await c.call('POST', '/match', { jobId: second, providerAddr: STAKED })).body.error.code, 'stake_insufficient');
    ok(await c.call('POST', `/jobs/${second}/cancel`));

    ok(await c.call('POST', '/results', results(id, STAKED)));
    const view = await job(id);
    assert.deepEqual([view.status, view.result.runtimeSec], ['RESULT_SUBMITTED', 0.731], 'a decimal runtimeSec is kept as sent');
    assert.deepEqual([(await stake(STAKED)).stake, (await stake(STAKED)).locked], [ETH / 10n, 0n]);
    ok(await c.call('POST', `/jobs/${id}/accept`, {}));
    assert.deepEqual((await observations(STAKED)).at(-1), { success: true, cause: 'job_accepted' });
    await audit();
  });

  test('a provider that misses the timeout: cancel slashes its lock (half burned, half to the requester) and marks a failure', async () => {
    const id = await post();
    ok(await c.call('POST', '/match', { jobId: id, providerAddr: STAKED }));
    const before = BigInt((await c.call('GET', `/v1/accounts/${REQUESTER}`)).body.balance);
    c.clock.advance(61_000);
    const r = await c.call('POST', `/jobs/${id}/cancel`);
    ok(r);
    assert.equal(r.body.refundedEth, '0.01');
    const after = BigInt((await c.call('GET', `/v1/accounts/${REQUESTER}`)).body.balance);
    assert.equal(after - before, ETH / 100n + ETH / 40n, 'the price back and half of the 0.05 slashed');
    assert.deepEqual([(await stake(STAKED)).stake, (await stake(STAKED)).locked], [ETH / 20n, 0n]);
    const detail = (await job(id)).history.at(-1).detail;
    assert.deepEqual([detail.slashedWei, detail.toRequesterWei], [(ETH / 20n).toString(), (ETH / 40n).toString()]);
    assert.deepEqual((await observations(STAKED)).at(-1), { success: false, cause: 'job_missed' });
    const slashes = (await c.call('GET', `/v1/slashes?prover_id=${STAKED}`)).body;
    assert.ok(JSON.stringify(slashes).includes(id), JSON.stringify(slashes));
    await audit();
  });

  test('a failed run releases the lock (it answered in time) and counts against the provider', async () => {
    const id = await post({ minStakeEth: '0.01' });
    ok(await c.call('POST', '/match', { jobId: id, providerAddr: STAKED }));
    ok(await c.call('POST', '/results', results(id, STAKED, { artifacts: [], exitCode: 137, failure: 'oom', reason: 'oom: killed for exceeding its memory limit (exit 137)' })));
    const view = await job(id);
    assert.deepEqual([view.status, view.failure, view.result.reason], ['FAILED', 'oom', 'oom: killed for exceeding its memory limit (exit 137)']);
    assert.equal((await stake(STAKED)).locked, 0n);
    assert.deepEqual((await observations(STAKED)).at(-1), { success: false, cause: 'job_failed' });
    await audit();
  });

  test('automatic matching skips a provider whose stake cannot back the job, and locks the chosen one\'s', async () => {
    ok(await c.call('POST', '/v1/job-providers', { providerAddr: BARE, images: ['busybox'], capacity: { cpu: 64, ramGB: 64 } }));
    ok(await c.call('POST', '/v1/job-providers', { providerAddr: STAKED, images: ['busybox'], capacity: { cpu: 1 } }));
    const id = await post({ minStakeEth: '0.02', timeoutSec: 600 });
    const free = await post({ minStakeEth: '0', timeoutSec: 600 });
    c.clock.advance(61_000);
    await c.market.sweep();
    const v = await job(id);
    assert.deepEqual([v.status, v.providerAddr, v.history.at(-1).cause], ['MATCHED', STAKED, 'auto_matched'], 'BARE has more room but no stake');
    assert.equal((await stake(STAKED)).locked, ETH / 50n);
    assert.equal((await job(free)).providerAddr, BARE, 'a job asking no stake may go to a provider without any');
    await audit();
  });
});
