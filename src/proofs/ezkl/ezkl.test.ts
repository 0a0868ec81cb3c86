// The ezkl backend end to end on the shipped iris-mlp model: the engine's witness gives the request's instances,
// the engine proves and verifies in worker threads, a proof for another input or output Fails, and the engine and
// Python ezkl accept each other's proofs (Python ezkl required under CI=true; skipped otherwise when absent).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ezklExpectedSignals, ezklVerify } from './backend.ts';
import { EzklEngine } from './engine.ts';
import { outputOf } from './felts.ts';
import { modelDirUrl, modelFileUrl, readModelArtifacts } from './models.ts';
import { outputLength, type ModelKey } from './model-key.ts';
import { nativeEzkl, nativeProve, nativeVerify } from './native.ts';

const engine = new EzklEngine({ threads: 1 });
const dir = mkdtempSync(join(tmpdir(), 'pm-ezkl-test-'));
after(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

const { artifacts, manifest } = readModelArtifacts(modelDirUrl('iris-mlp'));
const key = artifacts.vkey as ModelKey;
const sample = readFileSync(modelFileUrl('iris-mlp', 'input.json'));
const program = { wasm: async () => artifacts.wasm, vkey: key };
const paths = { circuitPath: fileURLToPath(modelFileUrl('iris-mlp', 'model.compiled')), srsPath: fileURLToPath(modelFileUrl('iris-mlp', 'kzg.srs')), pkPath: join(dir, 'iris.pk'), vk: key.vk };
const srs = async () => new Uint8Array(artifacts.zkey);
const flip = (s: string) => (BigInt(s) + 1n).toString();

test('ezkl: expected instances, engine prove/verify, wrong input/output/proof Fail, engine <-> Python ezkl', async (t) => {
  const expected = await ezklExpectedSignals(engine, sample, program);
  assert.equal(expected[0], manifest.commitment.value, 'the weights commitment is the first instance');
  assert.equal(expected.length, 1 + 4 + 3);
  const out = outputOf(expected, key.visibility, outputLength(key), key.output_scale)!;
  assert.deepEqual(out.map(String), (manifest as unknown as { sample_output: string[][] }).sample_output[0]!.map((x) => String(Number(x))));

  const other = await ezklExpectedSignals(engine, new TextEncoder().encode('[6.6, 3.0, 5.6, 2.0]'), program);
  assert.notDeepEqual(other, expected);
  assert.equal(other[0], expected[0], 'same model, same commitment');
  await assert.rejects(ezklExpectedSignals(engine, new TextEncoder().encode('[1, 2]'), program), /takes 4 numbers/);

  const input = JSON.parse(sample.toString());
  const proved = await engine.prove({ ...paths, input });
  assert.deepEqual(proved.publicSignals, expected, "the proof's instances are the request's");
  const ok = await ezklVerify(engine, { vkey: key, proof: proved.proof, publicSignals: expected, srs });
  assert.equal(ok.pass, true, ok.reason);

  const tamperedOutput = [...expected.slice(0, -1), flip(expected.at(-1)!)];
  assert.equal((await ezklVerify(engine, { vkey: key, proof: proved.proof, publicSignals: tamperedOutput, srs })).pass, false, 'a claimed output that is not the proof\'s');
  const forged = structuredClone(proved.proof) as { instances: string[][] };
  forged.instances[0]![7] = forged.instances[0]![6]!;
  const forgedSignals = [...expected.slice(0, 7), expected[6]!];
  const bad = await ezklVerify(engine, { vkey: key, proof: forged, publicSignals: forgedSignals, srs });
  assert.equal(bad.pass, false, 'a tampered output instance makes ezkl reject the proof');
  assert.match(bad.reason!, /does not verify/);

  const py = nativeEzkl();
  if (!py) {
    if (process.env.CI === 'true') assert.fail('Python ezkl is required under CI=true (pip install -r requirements.txt)');
    t.diagnostic('SKIPPED engine <-> native cross-check: Python ezkl not installed (pip install -r requirements.txt)');
    return;
  }
  assert.equal(py.version, '21.0.3');
  const byPython = await nativeVerify({ proof: proved.proof, vk: key.vk, settings: key.settings, srs: artifacts.zkey });
  assert.equal(byPython.pass, true, `Python ezkl accepts the engine's proof: ${byPython.reason}`);
  assert.equal((await nativeVerify({ proof: forged, vk: key.vk, settings: key.settings, srs: artifacts.zkey })).pass, false);
  const native = await nativeProve({ ...paths, input });
  assert.deepEqual(native.publicSignals, expected);
  const byEngine = await ezklVerify(engine, { vkey: key, proof: native.proof, publicSignals: expected, srs });
  assert.equal(byEngine.pass, true, `the engine accepts Python ezkl's proof: ${byEngine.reason}`);
});
