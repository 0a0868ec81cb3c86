import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isBalanced } from '../ledger.ts';
import type { JobResult } from './job.ts';
import { outputsKey, redundancyVerdict, redundantSettlement, type RedundantRun } from './redundancy.ts';

const out = (sha: string, exitCode = 0, failure?: JobResult['failure']): JobResult => ({
  artifacts: [{ path: '/out/a', sha256: sha.repeat(64).slice(0, 64), size: 1 }],
  stdoutTail: '', stderrTail: '', runtimeSec: 1, exitCode, ...(failure ? { failure } : {}),
});
const run = (provider: string, r: JobResult): RedundantRun => ({ provider, result: r });

test('outputs agree by path and hash, in any order; a failed run agrees with nobody', () => {
  const two = (a: string, b: string): JobResult => ({ ...out('a'), artifacts: [{ path: '/out/x', sha256: a, size: 1 }, { path: '/out/y', sha256: b, size: 2 }] });
  assert.equal(outputsKey(two('1', '2')), outputsKey({ ...two('1', '2'), artifacts: [...two('1', '2').artifacts].reverse() }));
  assert.notEqual(outputsKey(two('1', '2')), outputsKey(two('2', '1')));
  assert.equal(outputsKey(out('a', 1)), null);
  assert.equal(outputsKey(out('a', 0, 'oom')), null);
});

test('redundant:3 — two agreeing runs decide, the third is the minority; one run is pending; all different is no majority', () => {
  assert.deepEqual(redundancyVerdict([run('p1', out('a'))], 3), { kind: 'pending', missing: 2 });
  const decided = redundancyVerdict([run('p1', out('a')), run('p2', out('b')), run('p3', out('a'))], 3);
  assert.equal(decided.kind, 'decided');
  assert.deepEqual(decided.kind === 'decided' && [decided.majority, decided.minority], [['p1', 'p3'], ['p2']]);
  assert.deepEqual(redundancyVerdict([run('p1', out('a')), run('p2', out('a'))], 3).kind, 'decided', 'decided before the third arrives');
  assert.deepEqual(redundancyVerdict([run('p1', out('a')), run('p2', out('b')), run('p3', out('c'))], 3), { kind: 'no_majority' });
  assert.deepEqual(redundancyVerdict([run('p1', out('a')), run('p1', out('a'))], 3), { kind: 'pending', missing: 2 }, 'a provider counts once');
  assert.deepEqual(redundancyVerdict([run('p1', out('a', 1)), run('p2', out('a', 1))], 3), { kind: 'no_majority' }, 'failed runs never make a majority');
  assert.deepEqual(redundancyVerdict([run('p1', out('a')), run('p2', out('b'))], 2), { kind: 'no_majority' }, 'redundant:2 needs both to agree');
});

test('a verdict is decided only by a strict majority of N, whatever the runs (property)', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.constantFrom('a', 'b', 'c', 'x')), { maxLength: 12 }), (n, raw) => {
    const runs = raw.map(([p, o]) => run(`p${p}`, o === 'x' ? out('a', 1) : out(o)));
    const v = redundancyVerdict(runs, n);
    if (v.kind !== 'decided') return true;
    return v.majority.length > n / 2 && v.minority.every((p) => !v.majority.includes(p));
  }));
});

test('the settlement pays each majority provider the price less the fee and returns the rest, balanced', () => {
  const m = redundantSettlement({ jobId: '0xj', requester: '0xr', majority: ['0xa', '0xb'], escrowed: 300n, price: 100n, feeBps: 1_000 });
  assert.ok(isBalanced(m.postings));
  assert.deepEqual(m.postings.map((p) => [p.account, p.amount]), [['escrow:job:0xj', -300n], ['balance:0xa', 90n], ['balance:0xb', 90n], ['treasury', 20n], ['balance:0xr', 100n]]);
  assert.throws(() => redundantSettlement({ jobId: '0xj', requester: '0xr', majority: ['0xa', '0xb'], escrowed: 150n, price: 100n, feeBps: 0 }));
});
