import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MarketError } from '../errors.ts';
import { isBalanced } from '../ledger.ts';
import { formatEther, parseEther } from './ether.ts';
import { canMoveJob, failureOf, JOB_STATUSES, newJobId, normalizeSpec, parseJobId, parseVerifier, type JobRecord } from './job.ts';
import * as t from './transitions.ts';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof MarketError, String(err));
    return err.code;
  }
  return 'no error';
};

test('parseEther is exact: digits as a string, 18 decimals at most, no sign, exponent or junk', () => {
  assert.equal(parseEther('0.01', 'p'), 10_000_000_000_000_000n);
  assert.equal(parseEther('0.1', 'p'), 100_000_000_000_000_000n, 'not the float 0.1');
  assert.equal(parseEther('1', 'p'), 10n ** 18n);
  assert.equal(parseEther('0.000000000000000001', 'p'), 1n);
  assert.equal(parseEther('123456789.123456789123456789', 'p'), 123456789123456789123456789n);
  assert.equal(parseEther(2, 'p'), 2n * 10n ** 18n, 'a whole JSON number');
  for (const bad of ['0.0000000000000000001', '-1', '1e-3', '1e18', 'abc', '0.1.2', ' 1', '1 ', '', '.5', '5.', '+1', '0x10', 0.5, -1, null, undefined, {}]) {
    assert.equal(code(() => parseEther(bad, 'p')), 'invalid_ether_amount', String(bad));
  }
});

test('formatEther is parseEther\'s inverse on every amount', () => {
  assert.equal(formatEther(10_000_000_000_000_000n), '0.01');
  assert.equal(formatEther(0n), '0');
  fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 30n }), (wei) => parseEther(formatEther(wei), 'p') === wei));
});

test('job ids: 0x and 32 random bytes; any hex case is read, anything else refused', () => {
  const id = newJobId();
  assert.match(id, /^0x[0-9a-f]{64}$/);
  assert.notEqual(newJobId(), id);
  assert.equal(parseJobId(id.toUpperCase().replace('0X', '0x')), id);
  for (const bad of ['0x12', id.slice(2), `${id}0`, `0x${'g'.repeat(64)}`]) assert.equal(code(() => parseJobId(bad)), 'invalid_job_id');
});

test('the spec: a shell string runs as sh -c, outputs lie under /out, verifiers hash-only or redundant:N', () => {
  const s = normalizeSpec({ image: 'alpine', cmd: 'echo hi > /out/a' });
  assert.deepEqual(s, { image: 'alpine', cmd: ['sh', '-c', 'echo hi > /out/a'], resources: { cpu: 1, ramGB: 1, gpu: 0, storageGB: 1 }, inputs: [], timeoutSec: 600, verifier: 'hash-only', outputs: [] });
  assert.deepEqual(normalizeSpec({ image: 'a', cmd: ['x'], resources: { ramGB: 2 } }).resources, { cpu: 1, ramGB: 2, gpu: 0, storageGB: 1 });
  for (const path of ['/etc/passwd', '/out/../etc', 'out/a', '/outside', '/out//a']) assert.equal(code(() => normalizeSpec({ image: 'a', cmd: ['x'], outputs: [{ path }] })), 'invalid_job_spec', path);
  assert.equal(code(() => normalizeSpec({ image: 'a', cmd: ['', ' '] })), 'invalid_job_spec');
  assert.deepEqual(parseVerifier('redundant:3'), { kind: 'redundant', n: 3 });
  for (const v of ['redundant:0', 'redundant:10', 'redundant', 'hash', '']) assert.equal(code(() => parseVerifier(v)), 'invalid_job_spec', v);
});

test('the lifecycle: the seed\'s path, FAILED and EXPIRED, nothing out of a final status', () => {
  const path = ['CREATED', 'FUNDED', 'MATCHED', 'RUNNING', 'RESULT_SUBMITTED', 'ACCEPTED'] as const;
  for (let i = 1; i < path.length; i++) assert.ok(canMoveJob(path[i - 1]!, path[i]!), `${path[i - 1]} → ${path[i]}`);
  assert.ok(canMoveJob('MATCHED', 'RESULT_SUBMITTED'), 'results straight from MATCHED');
  assert.ok(!canMoveJob('CREATED', 'MATCHED'), 'never matched unfunded');
  assert.ok(!canMoveJob('RESULT_SUBMITTED', 'CANCELED'), 'never cancelled after results');
  for (const end of ['ACCEPTED', 'CANCELED', 'FAILED', 'EXPIRED'] as const) for (const to of JOB_STATUSES) assert.ok(!canMoveJob(end, to));
  assert.equal(failureOf({ artifacts: [], stdoutTail: '', stderrTail: '', runtimeSec: 1, exitCode: 0 }), null);
  assert.equal(failureOf({ artifacts: [], stdoutTail: '', stderrTail: '', runtimeSec: 1, exitCode: 137 }), 'oom');
  assert.equal(failureOf({ artifacts: [], stdoutTail: '', stderrTail: '', runtimeSec: 1, exitCode: 2 }), 'error');
  assert.equal(failureOf({ artifacts: [], stdoutTail: '', stderrTail: '', runtimeSec: 1, exitCode: 137, failure: 'timeout' }), 'timeout');
});

const T0 = new Date('2026-01-01T00:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const PRICE = 10n ** 16n;
const job = (over: Partial<JobRecord> = {}): JobRecord => ({
  job_id: `0x${'1'.repeat(64)}`, requester: '0xaa', spec: normalizeSpec({ image: 'alpine', cmd: ['true'], timeoutSec: 60 }), price: PRICE, min_stake: 0n, status: 'CREATED',
  provider: null, fund_tx: null, result: null, failure: null, created_at: T0, updated_at: T0, funded_at: null, assigned_at: null, ...over,
});
const ok = { artifacts: [], stdoutTail: '', stderrTail: '', runtimeSec: 1, exitCode: 0 };

test('the plans: escrow on funding, payment less the fee on acceptance, refunds on failure, cancel and expiry; events job.<cause>', () => {
  const f = t.funded(job(), { tx: '0xtx', faucet: null }, at(1));
  assert.deepEqual([f.next.status, f.event.kind, f.next.fund_tx, f.ledger.map((m) => m.kind)], ['FUNDED', 'job.funded', '0xtx', ['escrow']]);
  assert.deepEqual(f.ledger[0]!.postings, [{ account: 'balance:0xaa', amount: -PRICE }, { account: `escrow:job:${job().job_id}`, amount: PRICE }]);
  const m = t.matched(f.next, '0xbb', at(2));
  assert.deepEqual([m.next.provider, m.next.assigned_at, m.event.prover_id], ['0xbb', at(2), '0xbb']);
  const r = t.resultsSubmitted(m.next, ok, PRICE, at(3));
  assert.deepEqual([r.next.status, r.ledger.length], ['RESULT_SUBMITTED', 0]);
  const a = t.accepted(r.next, '0xbb', { escrowed: PRICE, feeBps: 100 }, at(4));
  assert.deepEqual(a.ledger[0]!.postings, [
    { account: `escrow:job:${job().job_id}`, amount: -PRICE },
    { account: 'balance:0xbb', amount: PRICE - PRICE / 100n },
    { account: 'treasury', amount: PRICE / 100n },
    { account: 'balance:0xaa', amount: 0n },
  ]);
  assert.ok([f, m, r, a].every((p) => p.ledger.every((mv) => isBalanced(mv.postings))));
  assert.equal(code(() => t.accepted(r.next, '0xcc', { escrowed: PRICE, feeBps: 100 }, at(4))), 'not_job_provider');
  assert.equal(code(() => t.accepted(a.next, '0xbb', { escrowed: 0n, feeBps: 100 }, at(5))), 'job_wrong_status');

  const failed = t.resultsSubmitted(m.next, { ...ok, exitCode: 137, failure: 'oom' }, PRICE, at(3));
  assert.deepEqual([failed.next.status, failed.next.failure, failed.ledger[0]!.kind, failed.event.kind], ['FAILED', 'oom', 'refund', 'job.failed']);
});

test('who may act, and when a job may be cancelled or expire', () => {
  const funded = job({ status: 'FUNDED', funded_at: T0 });
  assert.equal(code(() => t.requireRequester(funded, '0xcc', 'fund')), 'not_job_requester');
  assert.doesNotThrow(() => t.requireRequester(funded, undefined, 'fund'), 'an anonymous open call');
  assert.equal(code(() => t.requireProvider(funded, '0xbb', 'start')), 'job_wrong_status', 'nobody is matched');
  const matched = job({ status: 'MATCHED', funded_at: T0, provider: '0xbb', assigned_at: at(10) });
  assert.equal(code(() => t.requireProvider(matched, '0xcc', 'start')), 'not_job_provider');
  assert.equal(t.cancelled(funded, PRICE, at(1)).ledger[0]!.kind, 'refund');
  assert.equal(code(() => t.cancelled(matched, PRICE, at(69))), 'job_not_cancellable', 'matched: not before its timeout');
  assert.equal(t.cancelled(matched, PRICE, at(70)).next.status, 'CANCELED');
  assert.equal(code(() => t.cancelled(job({ status: 'RESULT_SUBMITTED', provider: '0xbb' }), PRICE, at(999))), 'job_not_cancellable');
  assert.equal(code(() => t.expired(funded, PRICE, at(59))), 'job_wrong_status');
  const e = t.expired(funded, PRICE, at(60));
  assert.deepEqual([e.next.status, e.ledger[0]!.kind, e.event.kind], ['EXPIRED', 'refund', 'job.expired']);
});
