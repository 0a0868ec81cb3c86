// zkML through the market: requests naming a model (POST /v1/requests with `model`), a prover proving with
// @ezkljs/engine, and the coordinator's verdicts: the right proof completes the request, while a proof for
// another input, for another model, or with a tampered output is rejected (Fail) like any bad proof.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCoordinator, type Coordinator } from '../src/coordinator/coordinator.ts';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { encodeProof, type ProofEnvelope } from '../src/proofs/envelope.ts';
import { EzklEngine } from '../src/proofs/ezkl/engine.ts';
import { modelFileUrl, readModelArtifacts, modelDirUrl } from '../src/proofs/ezkl/models.ts';
import type { ModelKey } from '../src/proofs/ezkl/model-key.ts';
import { ProofMarketClient } from '../src/sdk/client.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pm-zkml-e2e-'));
const engine = new EzklEngine({ threads: 1 });
let coordinator: Coordinator;
let pm: ProofMarketClient;

before(async () => {
  coordinator = await startCoordinator({ dataDir: 'memory://', logLevel: 'silent', port: 0, verifierThreads: 1, auctionTickMs: 50, open: true });
  pm = new ProofMarketClient({ baseUrl: coordinator.url! });
});

after(async () => {
  await engine.close();
  await coordinator?.close();
  await terminateCurves();
  rmSync(tmp, { recursive: true, force: true });
});

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const code = (p: Promise<unknown>) => p.then(() => 'accepted', (e: { code?: string }) => e.code ?? String(e));

test('model requests: the right proof completes; another input, another model or a tampered output is rejected', async () => {
  assert.ok((await pm.listPrograms()).every((p) => p.proof_system !== 'ezkl'), 'models are not listed among the circuits');

  const sample = readFileSync(modelFileUrl('iris-mlp', 'input.json'));
  const ask = (model: string, input: string | Buffer, extra: Record<string, unknown> = {}) =>
    pm.submitRequest({ requester: 'alice', model, input: b64(input), backend: 'ezkl', max_price: '5', ...extra });
  assert.equal(await code(ask('no-such-model', sample)), 'model_not_found');
  assert.equal(await code(ask('iris-mlp', sample, { program_id: 'a'.repeat(64) })), 'program_or_model');
  assert.equal(await code(ask('iris-mlp', '[1, 2, 3]')), 'invalid_input');
  assert.equal(await code(ask('iris-mlp', sample, { backend: 'groth16' })), 'backend_mismatch');

  const a = await ask('iris-mlp', sample);
  const b = await ask('iris-mlp', '[6.6, 3.0, 5.6, 2.0]');
  const c = await ask('digits-cnn', readFileSync(modelFileUrl('digits-cnn', 'input.json')));
  const program = await pm.getProgram(a.program_id);
  assert.deepEqual([program.name, program.proof_system, program.builtin], ['iris-mlp', 'ezkl', true]);

  // The prover's side, by hand: one real engine proof of request a's input.
  const { artifacts } = readModelArtifacts(modelDirUrl('iris-mlp'));
  const proved = await engine.prove({
    circuitPath: fileURLToPath(modelFileUrl('iris-mlp', 'model.compiled')),
    srsPath: fileURLToPath(modelFileUrl('iris-mlp', 'kzg.srs')),
    pkPath: join(tmp, 'iris.pk'),
    vk: (artifacts.vkey as ModelKey).vk,
    input: JSON.parse(sample.toString()),
  });
  const good: ProofEnvelope = { system: 'ezkl', proof: proved.proof, public_signals: proved.publicSignals };
  const last = proved.publicSignals.length - 1;
  const tamperedOutput: ProofEnvelope = { ...good, public_signals: good.public_signals.map((s, i) => (i === last ? (BigInt(s) + 1n).toString() : s)) };
  const forged = structuredClone(good) as ProofEnvelope & { proof: { instances: string[][] } };
  forged.proof.instances[0]![last] = forged.proof.instances[0]![last - 1]!;
  forged.public_signals[last] = forged.public_signals[last - 1]!;

  await pm.registerProver({ prover_id: 'zk-hand', supported_levels: [1], capacity: 3, backends: ['ezkl'] });
  const plan = new Map<string, ProofEnvelope[]>([[a.request_id, [tamperedOutput, forged, good]], [b.request_id, [good]], [c.request_id, [good]]]);
  const verdicts = new Map<string, string[]>();
  const deadline = Date.now() + 120_000;
  while ([...plan.values()].some((q) => q.length > 0) && Date.now() < deadline) {
    const task = await pm.assignTask('zk-hand');
    if (!task) {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    assert.deepEqual(task.circuit_input, task.task_id === b.request_id ? { input_data: [[6.6, 3.0, 5.6, 2.0]] } : task.circuit_input);
    const next = plan.get(task.task_id)!.shift();
    if (!next) continue; // offered again after its Fail: kept (capacity 3), so the poll moves on to the others
    const r = await pm.submitResult({ task_id: task.task_id, prover_id: 'zk-hand', proof: encodeProof(next) });
    verdicts.set(task.task_id, [...(verdicts.get(task.task_id) ?? []), `${r.verification_result}${r.reason ? `: ${r.reason}` : ''}`]);
  }
  const [va, vb, vc] = [a, b, c].map((r) => verdicts.get(r.request_id) ?? []);
  const seen = JSON.stringify([va, vb, vc]);
  assert.match(va![0]!, /^Fail: .*not the task's own/, `a tampered output is not the request's: ${seen}`);
  assert.match(va![1]!, /^Fail: .*not the task's own/, 'a forged output instance is not the request\'s either');
  assert.equal(va![2], 'Pass');
  assert.match(vb![0]!, /^Fail: .*not the task's own/, 'a proof for another input');
  assert.match(vc![0]!, /^Fail: .*not the task's own/, `a proof for another model: ${seen}`);
  assert.equal((await pm.getRequest(a.request_id)).status, 'completed');
  assert.notEqual((await pm.getRequest(b.request_id)).status, 'completed');
  const proof = await pm.getProof(a.request_id);
  assert.deepEqual(proof.public_signals, proved.publicSignals, 'the verified proof carries the weights commitment, the input and the output');
});
