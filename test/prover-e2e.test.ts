// End to end with real processes: `proofmarket serve` and `proofmarket prover` nodes, talking over HTTP.
import { after, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProofMarketClient } from '../src/sdk/client.ts';
import type { TaskDetail } from '../src/api/index.ts';
import { spawnCli, waitForOutput, type CliProcess } from './support/process.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pm-prover-e2e-'));
const running = new Set<CliProcess>();

after(async () => {
  // Whatever a failed test left behind is killed by its PID.
  await Promise.all([...running].map((p) => p.stop('SIGKILL')));
  rmSync(tmp, { recursive: true, force: true });
});

function track(t: TestContext, p: CliProcess): CliProcess {
  running.add(p);
  t.after(async () => {
    await p.stop('SIGKILL');
    running.delete(p);
  });
  return p;
}

async function coordinator(t: TestContext, args: string[]): Promise<CliProcess & { url: string }> {
  const p = track(t, spawnCli(['serve', '--log-level', 'warn', '--verifier-threads', '1', '--open', ...args]));
  const [, url] = await waitForOutput(p, /listening on (http:\/\/[^\s]+)/, 60_000);
  return Object.assign(p, { url: url! });
}

async function prover(t: TestContext, url: string, nodeId: string, extra: string[] = []): Promise<CliProcess> {
  const p = track(
    t,
    spawnCli([
      'prover', '--coordinator-url', url, '--node-id', nodeId, '--state-dir', join(tmp, nodeId),
      '--heartbeat-interval', '0.5', '--poll-interval', '0.2', '--verbose', ...extra,
    ]),
  );
  await waitForOutput(p, /registered at/, 60_000);
  return p;
}

const randomData = () => Array.from({ length: randomInt(1, 64) }, () => randomInt(0, 256));

async function submitTasks(pm: ProofMarketClient, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(await pm.submitTask({ privacy_level: 1 + (i % 3), circuit_data: randomData(), reward_amount: '1000', requester: 'e2e' }));
  }
  return ids;
}

async function allCompleted(pm: ProofMarketClient, ids: string[], timeoutMs: number): Promise<TaskDetail[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const tasks = await Promise.all(ids.map((id) => pm.getTask(id)));
    if (tasks.every((t) => t.status === 'completed')) return tasks;
    if (Date.now() > until) {
      throw new Error(`not all tasks completed: ${tasks.map((t) => `${t.task_id.slice(0, 8)}=${t.status}`).join(' ')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

const passes = (t: TaskDetail) => t.proofs.filter((p) => p.verification_result === 'Pass');

test('two prover processes complete 20 tasks with verified proofs', { timeout: 120_000 }, async (t) => {
  const c = await coordinator(t, ['--port', '0', '--data-dir', 'memory://']);
  const pm = new ProofMarketClient({ baseUrl: c.url });
  const [a, b] = await Promise.all([prover(t, c.url, 'e2e-a'), prover(t, c.url, 'e2e-b')]);

  const ids = await submitTasks(pm, 20);
  const done = await allCompleted(pm, ids, 90_000);
  const by = new Map<string, number>();
  for (const task of done) {
    const pass = passes(task);
    assert.equal(pass.length, 1, `task ${task.task_id} has exactly one Pass`);
    assert.deepEqual(task.proofs.filter((p) => p.verification_result === 'Fail'), []);
    by.set(pass[0]!.prover_id, (by.get(pass[0]!.prover_id) ?? 0) + 1);
  }
  assert.deepEqual([...by.keys()].sort(), ['e2e-a', 'e2e-b'], `both nodes proved: ${JSON.stringify([...by])}`);

  // Ctrl-C (SIGINT): a clean exit with a summary.
  for (const p of [a, b]) {
    assert.equal(await p.stop('SIGINT'), 0, p.output());
    assert.match(p.output(), /stopped: \d+ proved, \d+ passed, 0 rejected/);
  }
  const provers = await pm.listProvers();
  assert.deepEqual(provers.map((p) => p.status), ['offline', 'offline']);
});

test('a prover killed mid-proof: the task returns to pending after the timeout and another prover completes it', { timeout: 120_000 }, async (t) => {
  const c = await coordinator(t, ['--port', '0', '--data-dir', 'memory://', '--heartbeat-timeout', '2', '--proof-timeout', '5']);
  const pm = new ProofMarketClient({ baseUrl: c.url });
  const victim = await prover(t, c.url, 'e2e-victim');
  const [id] = await submitTasks(pm, 1);
  await waitForOutput(victim, /task \w+ proving/, 30_000);
  await victim.stop('SIGKILL');
  assert.equal((await pm.taskStatus(id!)).assigned_prover, 'e2e-victim');

  await prover(t, c.url, 'e2e-rescuer');
  const [task] = await allCompleted(pm, [id!], 60_000);
  const back = task!.history!.find((h) => h.to === 'pending' && h.prover_id === 'e2e-victim');
  assert.ok(back, `the task went back to pending: ${JSON.stringify(task!.history)}`);
  assert.ok(['prover_offline', 'proof_timeout'].includes(back.cause), back.cause);
  assert.deepEqual(task!.proofs.map((p) => [p.prover_id, p.verification_result]), [['e2e-rescuer', 'Pass']]);
});

test('the coordinator restarts mid-run on the same port and data dir: every task completes exactly once', { timeout: 150_000 }, async (t) => {
  const dataDir = join(tmp, 'restart-db');
  const first = await coordinator(t, ['--port', '0', '--data-dir', dataDir]);
  const port = new URL(first.url).port;
  const pm = new ProofMarketClient({ baseUrl: first.url });
  const provers = await Promise.all([prover(t, first.url, 'e2e-r1'), prover(t, first.url, 'e2e-r2')]);
  const ids = await submitTasks(pm, 12);

  // Kill it (no graceful shutdown) while tasks are being proved and some are done.
  for (;;) {
    const tasks = await Promise.all(ids.map((id) => pm.taskStatus(id)));
    if (tasks.filter((s) => s.status === 'completed').length >= 3) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await first.stop('SIGKILL');
  await new Promise((r) => setTimeout(r, 1_000));
  await coordinator(t, ['--port', port, '--data-dir', dataDir]);

  const done = await allCompleted(pm, ids, 90_000);
  for (const task of done) assert.equal(passes(task).length, 1, `task ${task.task_id}: ${JSON.stringify(task.proofs)}`);
  for (const p of provers) {
    assert.equal(p.proc.exitCode, null, 'the prover kept running');
    assert.match(p.output(), /coordinator unreachable/);
    assert.match(p.output(), /coordinator reachable again/);
  }
});

test('a faulty prover\'s proofs are rejected and an honest prover completes the tasks', { timeout: 120_000 }, async (t) => {
  const c = await coordinator(t, ['--port', '0', '--data-dir', 'memory://']);
  const pm = new ProofMarketClient({ baseUrl: c.url });
  const faulty = await prover(t, c.url, 'e2e-faulty', ['--faulty-rate', '1']);
  await prover(t, c.url, 'e2e-honest');
  const ids = await submitTasks(pm, 6);
  const done = await allCompleted(pm, ids, 90_000);
  let rejected = 0;
  for (const task of done) {
    assert.deepEqual(passes(task).map((p) => p.prover_id), ['e2e-honest']);
    for (const p of task.proofs.filter((x) => x.verification_result === 'Fail')) {
      assert.equal(p.prover_id, 'e2e-faulty');
      rejected++;
    }
  }
  assert.ok(rejected >= 1, 'the faulty prover submitted at least one proof');
  assert.match(faulty.output(), /CORRUPTED on purpose/);
  assert.match(faulty.output(), /REJECTED/);
});
