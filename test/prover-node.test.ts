// The prover node in process, against a real coordinator listening on a socket (in-memory PGlite).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCoordinator, type Coordinator } from '../src/coordinator/coordinator.ts';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { ProverNode, ProverStartError, type ProverNodeOptions } from '../src/prover/index.ts';
import type { ProverConfig } from '../src/prover/config.ts';
import { ProofMarketClient } from '../src/sdk/client.ts';
import { waitFor } from './support/wait.ts';

const ADDR = '0x52908400098527886E0F7030069857D2E4169EE7';
const tmp = mkdtempSync(join(tmpdir(), 'pm-prover-node-'));
let coordinator: Coordinator;
let pm: ProofMarketClient;
let port: number;
const nodes: ProverNode[] = [];

async function coordinatorOn(p: number): Promise<Coordinator> {
  return startCoordinator({ dataDir: 'memory://', logLevel: 'silent', port: p, verifierThreads: 1, sweepIntervalMs: 200, open: true });
}

before(async () => {
  coordinator = await coordinatorOn(0);
  pm = new ProofMarketClient({ baseUrl: coordinator.url! });
  port = Number(new URL(coordinator.url!).port);
});

after(async () => {
  await Promise.all(nodes.map((n) => n.stop({ handBack: true }).catch(() => undefined)));
  await coordinator?.close();
  await terminateCurves();
  rmSync(tmp, { recursive: true, force: true });
});

let dirs = 0;
function node(config: Partial<ProverConfig> = {}, opts: ProverNodeOptions = {}): ProverNode {
  const n = new ProverNode(
    { coordinator_url: coordinator.url!, state_dir: join(tmp, `node-${++dirs}`), heartbeat_interval: 0.5, poll_interval: 0.1, ...config },
    { measureSpeed: false, ...opts },
  );
  nodes.push(n);
  return n;
}

const submit = (level: number, data: number[]) => pm.submitTask({ privacy_level: level, circuit_data: data, reward_amount: '100', requester: 'tester' });

test('registers with its capabilities, proves tasks in parallel workers, and counts them', async () => {
  const n = node({ max_concurrent_proofs: 2, supported_privacy_levels: [1, 2, 3], reward_address: ADDR, name: 'node-one' }, { measureSpeed: true });
  const seen: string[] = [];
  for (const e of ['proved', 'submitted', 'rejected', 'failed'] as const) n.on(e, () => seen.push(e));
  await n.start();

  assert.ok(n.provingSpeed! > 0, 'the proving speed was measured');
  const me = (await pm.listProvers()).find((p) => p.prover_id === n.nodeId)!;
  assert.deepEqual(me.supported_levels, [1, 2, 3]);
  assert.equal(me.capacity, 2);
  assert.deepEqual(me.backends, ['groth16', 'plonk', 'fflonk', 'snarkjs-cli'], 'the snarkjs three, and the external backends it can run here');
  assert.equal(me.gpu_enabled, false);
  assert.equal(me.proving_speed, n.provingSpeed);
  assert.equal(me.reward_address, ADDR);
  assert.equal(me.name, 'node-one');

  const ids = await Promise.all([1, 2, 3, 1].map((level, i) => submit(level, [i, 7, 7])));
  for (const id of ids) assert.equal((await pm.waitForTask(id, { timeoutMs: 60_000 })).status, 'completed');
  await waitFor('stats', () => n.stats.passed === 4);
  assert.deepEqual({ ...n.stats, retries: 0, reconnects: 0 }, { proved: 4, submitted: 4, passed: 4, failed: 0, errors: 0, released: 0, lost: 0, active: 0, retries: 0, reconnects: 0 });
  assert.deepEqual(seen.filter((e) => e === 'proved').length, 4);
  assert.deepEqual(seen.filter((e) => e === 'submitted').length, 4);
  for (const id of ids) {
    const t = await pm.getTask(id);
    assert.deepEqual(t.proofs.map((p) => [p.prover_id, p.verification_result]), [[n.nodeId, 'Pass']]);
  }

  await n.stop();
  const after = (await pm.listProvers()).find((p) => p.prover_id === n.nodeId)!;
  assert.equal(after.status, 'offline', 'a stopped node says goodbye');
});

test('the same state dir keeps the node id and the measured speed across restarts', async () => {
  const dir = join(tmp, 'restart');
  const a = node({ state_dir: dir }, { measureSpeed: true });
  await a.start();
  await a.stop();
  const b = node({ state_dir: dir }, { measureSpeed: true });
  await b.start(); // an identical registration: no 409
  assert.equal(b.nodeId, a.nodeId);
  assert.equal(b.provingSpeed, a.provingSpeed);
  await b.stop();
});

test('a tampered artifact fails that task only; the node hands it back and carries on', async () => {
  class TamperingClient extends ProofMarketClient {
    tampered = 0;
    override async downloadArtifact(programId: string, kind: 'wasm' | 'zkey' | 'vkey'): Promise<Uint8Array> {
      const bytes = await super.downloadArtifact(programId, kind);
      if (kind !== 'zkey' || this.tampered++ > 0) return bytes;
      const bad = Uint8Array.from(bytes);
      bad[bad.length - 1]! ^= 1;
      return bad;
    }
  }
  const client = new TamperingClient({ baseUrl: coordinator.url! });
  const n = node({}, { client });
  const failures: string[] = [];
  n.on('failed', ({ error }) => failures.push(error));
  await n.start();
  const id = await submit(4, [4, 4, 4]);
  assert.equal((await pm.waitForTask(id, { timeoutMs: 60_000 })).status, 'completed');
  assert.equal(failures.length, 1);
  assert.match(failures[0]!, /artifacts of program .* rejected: the artifacts hash to program/);
  const t = await pm.getTask(id);
  assert.ok(t.history!.some((h) => h.cause === 'prover_released'), 'the failed task went back to the market');
  assert.deepEqual(t.proofs.map((p) => p.verification_result), ['Pass'], 'the bad artifact was never used for a proof');
  assert.equal(n.stats.errors, 1);
  assert.equal(n.stats.passed, 1);
  await n.stop();
});

test('stop() finishes an in-flight proof; stop({ handBack: true }) or a shutdown timeout releases it to pending', async () => {
  const finishing = node();
  await finishing.start();
  const id1 = await submit(5, [5, 1]);
  await waitFor('proving', () => finishing.tasks.some((t) => t.phase === 'proving'));
  await finishing.stop();
  assert.equal((await pm.taskStatus(id1)).status, 'completed');
  assert.equal(finishing.stats.passed, 1);

  const leaving = node();
  const released: string[] = [];
  leaving.on('released', ({ taskId }) => released.push(taskId));
  await leaving.start();
  const id2 = await submit(5, [5, 2]);
  await waitFor('proving', () => leaving.tasks.some((t) => t.phase === 'proving'));
  await leaving.stop({ handBack: true });
  assert.deepEqual(released, [id2]);
  assert.equal(leaving.stats.released, 1);
  const s = await pm.taskStatus(id2);
  assert.equal(s.status, 'pending');
  assert.equal(s.history!.at(-1)!.cause, 'prover_released');

  // A stop that runs out of patience hands the proof back too.
  const impatient = node();
  await impatient.start();
  const id3 = await submit(5, [5, 3]);
  await waitFor('proving', () => impatient.tasks.some((t) => t.phase === 'proving'));
  await impatient.stop({ timeoutMs: 100 });
  assert.equal(impatient.stats.released, 1);
  assert.equal((await pm.taskStatus(id3)).status, 'pending');

  const next = node();
  await next.start();
  for (const id of [id2, id3]) assert.equal((await pm.waitForTask(id, { timeoutMs: 60_000 })).status, 'completed');
  await next.stop();
});

test('faulty_rate 1: every proof is corrupted and rejected by the verifier; an honest node completes the task', async () => {
  // Another active prover for the level: the coordinator then keeps the rejected task away from the faulty one.
  await pm.registerProver({ prover_id: 'honest-but-idle', supported_levels: [6], capacity: 1 });
  const n = node({ faulty_rate: 1, supported_privacy_levels: [6] });
  const rejected: string[] = [];
  n.on('rejected', ({ reason }) => rejected.push(reason));
  await n.start();
  const id = await submit(6, [6, 6]);
  await waitFor('rejection', () => rejected.length === 1);
  await n.stop({ handBack: true });
  assert.equal(n.stats.failed, 1);
  assert.equal(n.stats.passed, 0);
  const t = await pm.getTask(id);
  assert.equal(t.status, 'pending');
  assert.deepEqual(t.proofs.map((p) => [p.prover_id, p.verification_result]), [[n.nodeId, 'Fail']]);

  const honest = node({ supported_privacy_levels: [6] });
  await honest.start();
  assert.equal((await pm.waitForTask(id, { timeoutMs: 60_000 })).status, 'completed');
  await honest.stop();
  assert.deepEqual((await pm.getTask(id)).proofs.map((p) => [p.prover_id, p.verification_result]), [[n.nodeId, 'Fail'], [honest.nodeId, 'Pass']]);
});

test('gpu_enabled without a GPU fails at start with a clear message', async () => {
  const n = node({ gpu_enabled: true });
  await assert.rejects(n.start(), (e: unknown) => e instanceof ProverStartError && e.code === 'no_gpu' && /no usable GPU was found/.test(e.message));
  const stubbed = node({ gpu_enabled: true }, { gpuProbe: { detect: () => null } });
  await assert.rejects(stubbed.start(), ProverStartError);
});

test('rides out a coordinator that goes away and comes back with an empty database: re-registers', async () => {
  const n = node();
  const events: string[] = [];
  n.on('disconnected', () => events.push('disconnected'));
  n.on('reconnected', () => events.push('reconnected'));
  n.on('registered', ({ again }) => events.push(again ? 'registered again' : 'registered'));
  await n.start();
  await coordinator.close();
  await waitFor('disconnect', () => events.includes('disconnected'));
  coordinator = await coordinatorOn(port);
  await waitFor('re-registration', () => events.includes('registered again'));
  const id = await submit(7, [7]);
  assert.equal((await pm.waitForTask(id, { timeoutMs: 60_000 })).status, 'completed');
  assert.deepEqual(events.slice(0, 2), ['registered', 'disconnected']);
  assert.ok(events.includes('reconnected'));
  await n.stop();
});
