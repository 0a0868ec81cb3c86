import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autoMatch, mayRun, type JobProvider } from './auto-match.ts';
import { normalizeSpec, type JobRecord } from './job.ts';

const now = new Date('2026-01-01T00:00:00Z');
const job = (image: string, cpu = 1): JobRecord => ({
  job_id: `0x${'2'.repeat(64)}`, requester: '0xaa', spec: normalizeSpec({ image, cmd: ['true'], resources: { cpu } }), price: 100n, min_stake: 0n, status: 'FUNDED',
  provider: null, fund_tx: null, result: null, failure: null, created_at: now, updated_at: now, funded_at: now, assigned_at: null,
});
const free = { cpu: 0, ramGB: 0, gpu: 0, storageGB: 0 };
const provider = (name: string, over: Partial<JobProvider> = {}): JobProvider => ({
  provider: name, images: ['busybox'], capacity: { cpu: 2, ramGB: 4, gpu: 0, storageGB: 10 }, used: free, reputation: null, ...over,
});

test('a provider may run a job when it holds the image and its capacity covers what it holds plus the job', () => {
  assert.ok(mayRun(provider('p'), job('busybox')));
  assert.ok(!mayRun(provider('p'), job('alpine')), 'not its image');
  assert.ok(!mayRun(provider('p', { used: { ...free, cpu: 1.5 } }), job('busybox')), 'no CPU left');
  assert.ok(!mayRun(provider('p'), { spec: { ...job('busybox').spec, resources: { cpu: 1, ramGB: 1, gpu: 1, storageGB: 1 } } }), 'no GPU');
});

test('fixed takes the provider with the most capacity left; weighted lets reputation beat it; none eligible is null', () => {
  const roomy = provider('0xroomy', { capacity: { cpu: 8, ramGB: 16, gpu: 0, storageGB: 10 } });
  const trusted = provider('0xtrusted', { reputation: 5 });
  assert.deepEqual(autoMatch(job('busybox'), [trusted, roomy], 'fixed', now), { provider: '0xroomy', mechanism: 'fixed', candidates: ['0xroomy', '0xtrusted'] });
  assert.equal(autoMatch(job('busybox'), [trusted, roomy], 'weighted', now)?.provider, '0xtrusted');
  assert.equal(autoMatch(job('busybox'), [provider('0xa'), provider('0xb')], 'weighted', now)?.provider, '0xa', 'a tie goes by address');
  assert.equal(autoMatch(job('alpine'), [trusted, roomy], 'weighted', now), null);
  assert.equal(autoMatch(job('busybox', 4), [trusted], 'fixed', now), null);
});
