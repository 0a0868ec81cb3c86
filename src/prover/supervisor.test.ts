import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffMs } from './backoff.ts';
import { Supervisor, type StageLoop } from './supervisor.ts';

const policy = { baseMs: 100, maxMs: 1_000, factor: 2 };

/** A supervisor whose backoff sleeps are recorded and return at once, so the test neither waits nor races a timer. */
function supervisor() {
  const slept: number[] = [];
  const errors: string[] = [];
  const restarts: Array<[string, number, number]> = [];
  const s = new Supervisor({
    backoff: policy,
    random: () => 0.5,
    sleep: async (ms) => void slept.push(ms),
    onError: (stage, err) => errors.push(`${stage}: ${(err as Error).message}`),
    onRestart: (stage, attempt, delayMs) => restarts.push([stage, attempt, delayMs]),
  });
  return { s, slept, errors, restarts };
}

/** A loop that runs until it is stopped. */
const untilStopped: StageLoop = (signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

test('a stage that throws is restarted after an exponential backoff, and its status says so', { timeout: 5_000 }, async () => {
  const { s, slept, errors, restarts } = supervisor();
  const third = deferred();
  let runs = 0;
  const done = s.run('flaky', async (signal) => {
    runs++;
    if (runs <= 3) throw new Error(`boom ${runs}`);
    third.resolve();
    await untilStopped(signal);
  });
  await third.promise;
  assert.equal(runs, 4);
  assert.deepEqual(slept, [0, 1, 2].map((n) => backoffMs(n, policy, 0.5)));
  assert.deepEqual(slept, [75, 150, 300], 'doubling from the base (three quarters of each step at a draw of 0.5)');
  assert.deepEqual(errors, ['flaky: boom 1', 'flaky: boom 2', 'flaky: boom 3']);
  assert.deepEqual(restarts, [['flaky', 1, 75], ['flaky', 2, 150], ['flaky', 3, 300]]);
  assert.deepEqual(s.status(), [{ name: 'flaky', state: 'running', restarts: 3, lastError: 'boom 3' }]);
  await s.stop();
  await done;
  assert.equal(s.status()[0]!.state, 'stopped');
  assert.equal(runs, 4, 'not restarted once stopped');
});

test('stop() ends every stage, and a stage started after it ends at once', async () => {
  const { s, slept } = supervisor();
  const done = [s.run('heartbeat', untilStopped), s.run('poll', untilStopped), s.run('bidding', untilStopped)];
  assert.deepEqual(s.status().map((x) => x.state), ['running', 'running', 'running']);
  await s.stop();
  await Promise.all(done);
  assert.deepEqual(s.status().map((x) => [x.name, x.state]), [['heartbeat', 'stopped'], ['poll', 'stopped'], ['bidding', 'stopped']]);
  let ran = false;
  await s.run('late', async (signal) => {
    ran = true;
    assert.ok(signal.aborted);
  });
  assert.ok(ran);
  assert.equal(s.status().at(-1)!.state, 'stopped');
  assert.deepEqual(slept, [], 'no backoff: nothing failed');
});

test('stop(names) ends only the named stages', async () => {
  const { s } = supervisor();
  s.run('poll', untilStopped);
  s.run('bidding', untilStopped);
  s.run('heartbeat', untilStopped);
  await s.stop('poll', 'bidding', 'no-such-stage');
  assert.deepEqual(s.status().map((x) => x.state), ['stopped', 'stopped', 'running']);
  await s.stop();
  assert.deepEqual(s.status().map((x) => x.state), ['stopped', 'stopped', 'stopped']);
});

test('a loop that throws as it is stopped is not restarted; one that returns is finished', async () => {
  const { s, restarts, errors } = supervisor();
  let runs = 0;
  const stopping = s.run('stopping', async (signal) => {
    runs++;
    await untilStopped(signal);
    throw new Error('interrupted');
  });
  await s.run('oneshot', async () => undefined);
  await s.stop('stopping');
  await stopping;
  assert.equal(runs, 1);
  assert.deepEqual(restarts, []);
  assert.deepEqual(errors, ['stopping: interrupted'], 'the throw is still reported');
  assert.deepEqual(s.status().map((x) => [x.name, x.state]), [['stopping', 'stopped'], ['oneshot', 'finished']]);
});

test('a stage stopped during its backoff is not started again', { timeout: 5_000 }, async () => {
  const gate = deferred();
  const slept: number[] = [];
  let runs = 0;
  const s = new Supervisor({
    backoff: policy,
    random: () => 0,
    sleep: async (ms, signal) => {
      slept.push(ms);
      gate.resolve();
      await untilStopped(signal);
    },
  });
  const done = s.run('flaky', async () => {
    runs++;
    throw new Error('boom');
  });
  await gate.promise;
  assert.equal(s.status()[0]!.state, 'restarting');
  await s.stop();
  await done;
  assert.equal(runs, 1);
  assert.deepEqual(slept, [50]);
  assert.equal(s.status()[0]!.state, 'stopped');
});

test('a name runs once at a time', () => {
  const { s } = supervisor();
  s.run('poll', untilStopped);
  assert.throws(() => s.run('poll', untilStopped), /already supervised/);
  return s.stop();
});
