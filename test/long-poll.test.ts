// GET /tasks/assign/:prover_id?wait=N: a prover's poll waits at the coordinator and is answered the moment work
// exists for it (woken by the outbox's events), instead of polling on a timer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCoordinator, type Coordinator } from '../src/coordinator/coordinator.ts';

let c: Coordinator;
before(async () => {
  c = await startCoordinator({ dataDir: 'memory://', logLevel: 'silent', verifierThreads: 1, host: '127.0.0.1', port: 0, open: true }, { scheduler: false });
  const r = await fetch(`${c.url}/provers/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prover_id: 'waiter', supported_levels: [1], capacity: 4 }) });
  assert.equal(r.status, 200);
});
after(() => c.close());

const submit = (id: string) =>
  fetch(`${c.url}/tasks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ task_id: id, privacy_level: 1, circuit_data: [1, 2, 3], reward_amount: 5, requester: 'client-1', priority: 10 }) });

test('a waiting poll is answered with a task submitted while it waits, long before its wait ends', async () => {
  const started = performance.now();
  const poll = fetch(`${c.url}/tasks/assign/waiter?wait=30`).then((r) => r.json() as Promise<{ task_id: string } | null>);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(c.market.work.waiting, 1, 'the poll is waiting at the coordinator');
  assert.equal((await submit('woken-1')).status, 200);
  const task = await poll;
  assert.equal(task?.task_id, 'woken-1');
  assert.ok(performance.now() - started < 25_000, 'answered by the wake-up, not by the end of the wait');
});

test('with nothing to hand out, the poll answers null when its wait ends', async () => {
  const r = await fetch(`${c.url}/tasks/assign/waiter?wait=1`);
  assert.equal(r.status, 200);
  assert.equal(await r.json(), null);
});

test('a client that hangs up stops waiting, and is handed nothing', async () => {
  const abort = new AbortController();
  const poll = fetch(`${c.url}/tasks/assign/waiter?wait=30`, { signal: abort.signal }).catch(() => 'aborted');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(c.market.work.waiting, 1);
  abort.abort();
  assert.equal(await poll, 'aborted');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(c.market.work.waiting, 0, 'the coordinator stopped waiting');
  assert.equal((await submit('after-hangup')).status, 200);
  await new Promise((r) => setTimeout(r, 300));
  const status = (await (await fetch(`${c.url}/tasks/after-hangup/status`)).json()) as { status: string };
  assert.equal(status.status, 'pending', 'the task was not handed to the prover that hung up');
});

test('wait is bounded: over 60 seconds is refused', async () => {
  const r = await fetch(`${c.url}/tasks/assign/waiter?wait=61`);
  assert.equal(r.status, 400);
  assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'invalid_request');
});
