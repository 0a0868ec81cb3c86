import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkerPool, WorkerError } from './worker-pool.ts';

/**
 * A worker module for the pool's contract: one job at a time, in the order received (as the pool's `prefetch`
 * requires). A job may sleep, fail, hang or end its thread; each result tells the thread it ran on and how many
 * jobs were waiting in that worker when it ended (1: the pool had posted one ahead).
 */
const MODULE = new URL(
  'data:text/javascript,' +
    encodeURIComponent(`
import { parentPort, threadId } from 'node:worker_threads';
let inbox = 0;
let line = Promise.resolve();
parentPort.on('message', (m) => {
  inbox++;
  line = line.then(() => run(m));
});
async function run({ id, job }) {
  inbox--;
  if (job.sleep) await new Promise((r) => setTimeout(r, job.sleep));
  if (job.exit) process.exit(7);
  if (job.hang) await new Promise(() => setInterval(() => {}, 1000));
  if (job.fail) return parentPort.postMessage({ id, ok: false, error: 'job failed' });
  parentPort.postMessage({ id, ok: true, result: { value: job.value, thread: threadId, waiting: inbox } });
}
`),
);

interface Job {
  value?: number;
  sleep?: number;
  exit?: boolean;
  hang?: boolean;
  fail?: boolean;
}
interface Result {
  value: number;
  thread: number;
  waiting: number;
}

/** A test that hangs (a job whose promise never settles) fails at its timeout instead. */
const pool = (opts: { size?: number; prefetch?: number; timeoutMs?: number } = {}) =>
  new WorkerPool<Job, Result>(MODULE, { size: opts.size ?? 1, prefetch: opts.prefetch, timeoutMs: opts.timeoutMs });

test('worker pool: runs every job and returns its result, with and without prefetch', { timeout: 20_000 }, async () => {
  for (const prefetch of [0, 1]) {
    const p = pool({ size: 2, prefetch });
    try {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => p.run({ value: i, sleep: i % 3 })));
      assert.deepEqual(results.map((r) => r.value), Array.from({ length: 20 }, (_, i) => i));
      assert.equal(p.replacedWorkers, 0);
    } finally {
      await p.close();
    }
  }
});

test('worker pool: with prefetch, a busy worker already holds the next job when it finishes', { timeout: 20_000 }, async () => {
  const ahead = pool({ prefetch: 1 });
  const plain = pool();
  try {
    const [first] = await Promise.all([ahead.run({ value: 1, sleep: 50 }), ahead.run({ value: 2 })]);
    assert.equal(first.waiting, 1);
    const [alone] = await Promise.all([plain.run({ value: 1, sleep: 50 }), plain.run({ value: 2 })]);
    assert.equal(alone.waiting, 0);
  } finally {
    await Promise.all([ahead.close(), plain.close()]);
  }
});

test('worker pool: a worker that dies with a job posted ahead fails only the running job; the other runs on its replacement', { timeout: 20_000 }, async () => {
  const p = pool({ prefetch: 1 });
  try {
    const { thread } = await p.run({ value: 0 });
    const crashed = p.run({ sleep: 50, exit: true });
    const ahead = p.run({ value: 2 });
    const after = p.run({ value: 3 });
    await assert.rejects(crashed, (err: unknown) => err instanceof WorkerError && /exited with code 7/.test(err.message));
    const [a, b] = await Promise.all([ahead, after]);
    assert.equal(a.value, 2);
    assert.equal(b.value, 3);
    assert.notEqual(a.thread, thread);
    assert.equal(p.replacedWorkers, 1);
  } finally {
    await p.close();
  }
});

test('worker pool: when the job posted ahead kills the worker, the one before it still counts as done', { timeout: 20_000 }, async () => {
  const p = pool({ prefetch: 1 });
  try {
    const done = p.run({ value: 1, sleep: 30 });
    const crashes = p.run({ exit: true });
    const later = p.run({ value: 3 });
    assert.equal((await done).value, 1);
    await assert.rejects(crashes, WorkerError);
    assert.equal((await later).value, 3);
    assert.equal(p.replacedWorkers, 1);
  } finally {
    await p.close();
  }
});

test('worker pool: a job that overruns is killed with its worker; the job posted ahead runs on the next one', { timeout: 20_000 }, async () => {
  // The hung job never ends, so a generous timeout costs nothing in certainty; it gives the replacement worker,
  // which must start up within the ahead job's budget, room on a busy machine.
  const p = pool({ prefetch: 1, timeoutMs: 4_000 });
  try {
    await p.run({ value: 0 }); // the worker has started (a job's time counts from its dispatch, a new worker's start-up included)
    const hung = p.run({ hang: true });
    const ahead = p.run({ value: 2 });
    await assert.rejects(hung, (err: unknown) => err instanceof WorkerError && /timed out after 4000 ms/.test(err.message));
    assert.equal((await ahead).value, 2);
    assert.equal(p.replacedWorkers, 1);
  } finally {
    await p.close();
  }
});

test('worker pool: a job posted ahead gets its full timeout from when it starts, not from when it was posted', { timeout: 20_000 }, async () => {
  // each job well within the timeout (slack for a busy machine), both together well beyond it
  const p = pool({ prefetch: 1, timeoutMs: 2_000 });
  try {
    await p.run({ value: 0 });
    const [a, b] = await Promise.all([p.run({ value: 1, sleep: 1_300 }), p.run({ value: 2, sleep: 1_300 })]);
    assert.equal(a.waiting, 1);
    assert.equal(b.value, 2);
    assert.equal(p.replacedWorkers, 0);
  } finally {
    await p.close();
  }
});

test('worker pool: a job the module fails rejects alone; the job posted ahead still runs', { timeout: 20_000 }, async () => {
  const p = pool({ prefetch: 1 });
  try {
    const failed = p.run({ fail: true, sleep: 20 });
    const ahead = p.run({ value: 2 });
    await assert.rejects(failed, /job failed/);
    assert.equal((await ahead).value, 2);
    assert.equal(p.replacedWorkers, 0);
  } finally {
    await p.close();
  }
});

test('worker pool: close rejects the jobs that had not started, posted ahead or queued', { timeout: 20_000 }, async () => {
  const p = pool({ prefetch: 1 });
  const running = p.run({ value: 1, sleep: 200 });
  running.catch(() => undefined);
  const ahead = p.run({ value: 2 });
  const queued = p.run({ value: 3 });
  await new Promise((r) => setTimeout(r, 50));
  const checked = [assert.rejects(ahead, /worker pool closed/), assert.rejects(queued, /worker pool closed/)];
  await p.close();
  await Promise.all(checked);
  await assert.rejects(p.run({ value: 4 }), /worker pool is closed/);
});
