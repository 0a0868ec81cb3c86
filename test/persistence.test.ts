// Restarting the coordinator loses nothing: tasks, provers, proofs, statuses and timestamps survive a
// graceful restart and a kill -9, on the embedded store and on PostgreSQL.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProofMarketClient } from '../src/sdk/client.ts';
import { spawnCoordinator } from './support/process.ts';
import { freshPostgresUrl } from './support/services.ts';

async function snapshot(pm: ProofMarketClient, ids: string[]) {
  const provers = await pm.listProvers();
  const tasks = await Promise.all(ids.map((id) => pm.getTask(id)));
  // last_heartbeat moves when a prover polls; everything else must be identical
  return { provers: provers.map(({ last_heartbeat: _, ...p }) => p), tasks };
}

async function exercise(t: TestContext, storeArgs: string[]) {
  let coordinator = await spawnCoordinator(storeArgs);
  t.after(() => coordinator.stop('SIGKILL'));
  let pm = new ProofMarketClient({ baseUrl: coordinator.url });
  await pm.registerProver({ prover_id: 'persist-prover', supported_levels: [1, 2], capacity: 3 });
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    // the largest rewards the seed API takes (it shows them as JSON numbers): each must survive exactly
    ids.push(await pm.submitTask({ privacy_level: 1 + (i % 2), circuit_data: [i, i + 1], reward_amount: String(2n ** 53n - 1n - BigInt(i)), requester: 'persist-client', priority: i * 10 }));
  }
  const first = await pm.assignTask('persist-prover');
  assert.ok(first);
  await pm.startTask(first.task_id, 'persist-prover');
  const second = await pm.assignTask('persist-prover');
  assert.ok(second);
  const verdict = await pm.submitResult({ task_id: second.task_id, prover_id: 'persist-prover', proof: [10, 20, 30, 40, 50] });
  assert.equal(verdict.verification_result, 'Fail');
  const before = await snapshot(pm, ids);
  assert.deepEqual(before.tasks.map((x) => x.status).sort(), ['in_progress', 'pending', 'pending', 'pending', 'pending']);

  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    const code = await coordinator.stop(signal);
    if (signal === 'SIGTERM') assert.equal(code, 0, 'a graceful stop exits 0');
    coordinator = await spawnCoordinator(storeArgs);
    pm = new ProofMarketClient({ baseUrl: coordinator.url });
    assert.deepEqual(await snapshot(pm, ids), before, `everything survives ${signal}`);
  }
  await coordinator.stop();
}

test('the embedded store survives a restart and a kill -9', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pm-persist-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await exercise(t, ['--data-dir', join(dir, 'db')]);
});

test('PostgreSQL survives a restart and a kill -9', async (t) => {
  const url = await freshPostgresUrl(t);
  if (!url) return;
  await exercise(t, ['--database-url', url]);
});
