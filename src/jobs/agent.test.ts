// The agent's loop with the coordinator held in memory and a job runner that is a plain function; the same
// loop on a real Docker engine is in test/jobs-docker.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_SUBMIT_ATTEMPTS, ProviderAgent } from './agent.ts';
import { MemoryJobFeed } from './memory-feed.ts';
import type { ContainerJobResult, ContainerJobSpec } from './executor/types.ts';

const PROVIDER = '0xabcdef1234567890abcdef1234567890abcdef12';
const spec = (jobId: string, cmd: string | string[] = 'echo "Job executed successfully" > /out/output.txt'): ContainerJobSpec => ({
  jobId,
  image: 'alpine',
  cmd,
  resources: { cpu: 1, ramGB: 1, gpu: 0, storageGB: 1 },
  outputs: [{ path: '/out/output.txt' }],
  timeoutSec: 600,
});
const ok = (stdout = ''): ContainerJobResult => ({ exitCode: 0, runtimeSec: 1, stdoutTail: stdout, stderrTail: '', artifacts: [], missingOutputs: [] });

/** A runner whose jobs finish when the test says so, and that records how many ran at once. */
function gatedRunner() {
  const gates = new Map<string, () => void>();
  let running = 0;
  const state = { maxConcurrent: 0, started: [] as string[] };
  const execute = async (s: ContainerJobSpec) => {
    state.started.push(s.jobId);
    running++;
    state.maxConcurrent = Math.max(state.maxConcurrent, running);
    await new Promise<void>((resolve) => gates.set(s.jobId, resolve));
    running--;
    return ok(s.jobId);
  };
  const finish = async (jobId: string) => {
    for (let i = 0; i < 100 && !gates.has(jobId); i++) await new Promise((r) => setImmediate(r));
    gates.get(jobId)!();
  };
  return { execute, finish, state };
}

test('one matched job: marked running, run, results submitted, logged as the seed agent logs', async () => {
  const feed = new MemoryJobFeed();
  feed.match(spec('0x01'), PROVIDER);
  feed.match(spec('0x02'), '0xsomeoneelse');
  const lines: string[] = [];
  const agent = new ProviderAgent({ provider: PROVIDER, feed, execute: async () => ok('Job completed successfully'), log: (l) => lines.push(l) });
  await agent.pollOnce();
  await agent.idle();
  assert.equal(feed.status('0x01'), 'RESULT_SUBMITTED');
  assert.equal(feed.status('0x02'), 'MATCHED', "another provider's job is left alone");
  assert.deepEqual(feed.result('0x01'), { jobId: '0x01', artifacts: [], stdoutTail: 'Job completed successfully', stderrTail: '', runtimeSec: 1, exitCode: 0 });
  assert.deepEqual(lines, [
    'Found 1 matched jobs',
    'Processing job: 0x01',
    `Processing job details - ID: '0x01', Image: 'alpine', Cmd: [sh -c echo "Job executed successfully" > /out/output.txt]`,
    'Results submitted for job: 0x01',
  ]);
  await agent.pollOnce();
  assert.deepEqual(feed.calls, [`matchedJobs ${PROVIDER}`, 'markRunning 0x01', 'submitResults 0x01', `matchedJobs ${PROVIDER}`]);
});

test('one job per slot: with one slot the second waits, with two both run; a job in flight is never started twice', async () => {
  for (const slots of [1, 2]) {
    const feed = new MemoryJobFeed();
    feed.match(spec('0xa'), PROVIDER);
    feed.match(spec('0xb'), PROVIDER);
    const runner = gatedRunner();
    const agent = new ProviderAgent({ provider: PROVIDER, feed, execute: runner.execute, slots, log: () => {} });
    await agent.pollOnce();
    await agent.pollOnce();
    await runner.finish('0xa');
    if (slots === 1) {
      await agent.idle();
      assert.equal(feed.status('0xb'), 'MATCHED');
      await agent.pollOnce();
    }
    await runner.finish('0xb');
    await agent.idle();
    assert.deepEqual(runner.state.started, ['0xa', '0xb']);
    assert.equal(runner.state.maxConcurrent, slots);
    assert.equal(feed.status('0xa'), 'RESULT_SUBMITTED');
    assert.equal(feed.status('0xb'), 'RESULT_SUBMITTED');
  }
});

test('a runner that throws still answers the job (failure error) and the next job runs', async () => {
  const feed = new MemoryJobFeed();
  feed.match(spec('0xbad'), PROVIDER);
  feed.match(spec('0xgood'), PROVIDER);
  const lines: string[] = [];
  const agent = new ProviderAgent({
    provider: PROVIDER,
    feed,
    slots: 2,
    execute: async (s) => {
      if (s.jobId === '0xbad') throw new Error('connect ENOENT /var/run/docker.sock');
      return ok();
    },
    log: (l) => lines.push(l),
  });
  await agent.pollOnce();
  await agent.idle();
  assert.equal(feed.result('0xbad')?.failure, 'error');
  assert.equal(feed.result('0xbad')?.exitCode, -1);
  assert.match(feed.result('0xbad')!.reason!, /^executor_error: connect ENOENT/);
  assert.equal(feed.result('0xgood')?.exitCode, 0);
  assert.ok(lines.some((l) => l.startsWith('Job 0xbad failed: executor_error')));
});

test('a refused start skips the job; a failed poll is logged and the next poll works', async () => {
  const feed = new MemoryJobFeed();
  feed.match(spec('0x1'), PROVIDER);
  const lines: string[] = [];
  let polls = 0;
  const flaky = Object.assign(Object.create(feed) as MemoryJobFeed, {
    matchedJobs: async (p: string) => {
      if (polls++ === 0) throw new Error('ECONNREFUSED 127.0.0.1:8080');
      return feed.matchedJobs(p);
    },
    markRunning: async (id: string) => {
      await feed.markRunning(id);
      await feed.markRunning(id); // the second start is refused: the job is RUNNING now
    },
  });
  let ran = 0;
  const agent = new ProviderAgent({ provider: PROVIDER, feed: flaky, execute: async () => (ran++, ok()), log: (l) => lines.push(l) });
  await agent.pollOnce();
  await agent.pollOnce();
  await agent.idle();
  assert.equal(ran, 0);
  assert.deepEqual(lines.filter((l) => /Error|Could not/.test(l)), ['Error polling for jobs: ECONNREFUSED 127.0.0.1:8080', 'Could not start job 0x1: job 0x1 is RUNNING, not MATCHED']);
});

test('a refused submission is tried again at each poll, and given up after the last attempt', async () => {
  const feed = new MemoryJobFeed();
  feed.match(spec('0x1'), PROVIDER);
  feed.match(spec('0x2'), PROVIDER);
  let refuse = 2;
  let refuseAlways = false;
  const flaky = Object.assign(Object.create(feed) as MemoryJobFeed, {
    submitResults: async (r: Parameters<MemoryJobFeed['submitResults']>[0]) => {
      if (refuseAlways || refuse-- > 0) throw new Error('503 service unavailable');
      return feed.submitResults(r);
    },
  });
  const lines: string[] = [];
  const agent = new ProviderAgent({ provider: PROVIDER, feed: flaky, execute: async () => ok(), log: (l) => lines.push(l) });
  await agent.pollOnce(); // runs 0x1, its submission is refused
  await agent.idle();
  assert.equal(feed.status('0x1'), 'RUNNING');
  await agent.pollOnce(); // refused again; then 0x2 runs and its submission succeeds
  await agent.idle();
  await agent.pollOnce(); // 0x1 goes through
  assert.equal(feed.status('0x1'), 'RESULT_SUBMITTED');
  assert.equal(feed.status('0x2'), 'RESULT_SUBMITTED');

  feed.match(spec('0x3'), PROVIDER);
  refuseAlways = true;
  for (let i = 0; i < MAX_SUBMIT_ATTEMPTS + 2; i++) {
    await agent.pollOnce();
    await agent.idle();
  }
  assert.equal(lines.filter((l) => l === 'Error submitting results for job 0x3: 503 service unavailable').length, MAX_SUBMIT_ATTEMPTS);
  assert.ok(lines.includes(`Giving up on submitting results for job 0x3 after ${MAX_SUBMIT_ATTEMPTS} attempts`));
});

test('start polls at its interval until stop, and stop waits for the job in flight', async () => {
  const feed = new MemoryJobFeed();
  const runner = gatedRunner();
  const agent = new ProviderAgent({ provider: PROVIDER, feed, execute: runner.execute, pollIntervalMs: 5, log: () => {} });
  agent.start();
  while (feed.calls.length < 3) await new Promise((r) => setTimeout(r, 5));
  feed.match(spec('0xlate'), PROVIDER);
  while (!runner.state.started.includes('0xlate')) await new Promise((r) => setTimeout(r, 5));
  const stopped = agent.stop();
  await runner.finish('0xlate');
  await stopped;
  assert.equal(feed.status('0xlate'), 'RESULT_SUBMITTED');
  const polls = feed.calls.filter((c) => c.startsWith('matchedJobs')).length;
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(feed.calls.filter((c) => c.startsWith('matchedJobs')).length, polls, 'no poll after stop');
});
