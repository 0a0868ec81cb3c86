// The model registry (issue #16 §2): GET /v1/models lists the shipped models' versions, GET /v1/models/:id one
// version with its versions, prove time and price hint; POST /v1/models (signed) registers a new version from
// artifacts uploaded by CID, with the weights commitment computed by the coordinator (ezkl's witness); a new
// version is a new id and program, old requests keep theirs; bad input is a 4xx with a catalogued code.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startCoordinator, type Coordinator } from '../src/coordinator/coordinator.ts';
import { ProofMarketClient } from '../src/sdk/client.ts';
import { privateKeySigner } from '../src/sdk/signer.ts';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { modelFileUrl } from '../src/proofs/ezkl/models.ts';
import { closeSharedEngine } from '../src/proofs/ezkl/engine.ts';

let c: Coordinator;
let pm: ProofMarketClient;
const key = () => privateKeySigner(`0x${randomBytes(32).toString('hex')}`);
const code = (p: Promise<unknown>) => p.then(() => 'accepted', (e: { code?: string }) => e.code ?? String(e));

before(async () => {
  c = await startCoordinator({ dataDir: 'memory://', logLevel: 'silent', verifierThreads: 1, host: '127.0.0.1', port: 0, open: true }, { scheduler: false });
  pm = new ProofMarketClient({ baseUrl: c.url! });
});
after(async () => {
  await c?.close();
  await closeSharedEngine();
  await terminateCurves();
});

/** iris-mlp's compiled files, uploaded as a new model would be. */
async function uploadIris(client: ProofMarketClient) {
  const put = async (f: Parameters<typeof modelFileUrl>[1]) => (await client.putArtifact(readFileSync(modelFileUrl('iris-mlp', f)))).cid;
  return { onnx: await put('model.onnx'), compiled: await put('model.compiled'), settings: await put('settings.json'), vk: await put('vk.key'), srs: await put('kzg.srs') };
}

test('the shipped models are registered at start: versions, commitments and artifacts by CID', async () => {
  const models = await pm.listModels();
  assert.deepEqual(models.map((m) => m.model_id), ['digits-cnn:1', 'iris-mlp:1']);
  const iris = models.find((m) => m.name === 'iris-mlp')!;
  const manifest = JSON.parse(readFileSync(modelFileUrl('iris-mlp', 'manifest.json'), 'utf8')) as { commitment: { value: string } };
  assert.equal(iris.commitment, manifest.commitment.value);
  assert.deepEqual([iris.owner, iris.builtin, iris.srs_unsafe, iris.logrows, iris.visibility.params], [null, true, true, 12, 'hashed']);
  assert.deepEqual(Buffer.from(await pm.getArtifact(iris.artifacts.onnx)), readFileSync(modelFileUrl('iris-mlp', 'model.onnx')));
  assert.equal((await pm.getProgram(iris.program_id)).proof_system, 'ezkl');
  const detail = await pm.getModel('iris-mlp:1');
  assert.deepEqual(detail.versions.map((v) => v.model_id), ['iris-mlp:1']);
  assert.equal(detail.prove_time, null, 'no settled request yet: no prove time');
  assert.equal(detail.suggested_price, null);
  assert.equal((await pm.getModel('iris-mlp')).model_id, 'iris-mlp:1', 'a bare name is its newest version');
});

test('an owner registers versions; the commitment is computed by the coordinator; another key may not add one', async () => {
  const aliceKey = key();
  const alice = new ProofMarketClient({ baseUrl: c.url!, signer: aliceKey });
  const artifacts = await uploadIris(alice);
  const v1 = await alice.registerModel({ name: 'my-iris', artifacts, description: 'iris, mine' });
  assert.deepEqual([v1.model_id, v1.version, v1.owner, v1.builtin], ['my-iris:1', 1, aliceKey.address, false]);
  assert.equal(v1.commitment, (await pm.getModel('iris-mlp:1')).commitment, 'the same weights have the same Poseidon commitment');
  const old = await pm.submitRequest({ requester: 'r1', model: 'my-iris:1', input: readFileSync(modelFileUrl('iris-mlp', 'input.json')).toString('base64'), backend: 'ezkl', max_price: '5' });
  assert.equal(old.program_id, v1.program_id);

  const v2 = await alice.registerModel({ name: 'my-iris', artifacts });
  assert.equal(v2.model_id, 'my-iris:2');
  assert.notEqual(v2.program_id, v1.program_id, 'a new version is a new program');
  const detail = await pm.getModel('my-iris:1');
  assert.deepEqual(detail.versions.map((v) => v.model_id), ['my-iris:2', 'my-iris:1']);
  assert.equal((await pm.getRequest(old.request_id)).program_id, v1.program_id, 'the old request keeps its version');
  const latest = await pm.submitRequest({ requester: 'r1', model: 'my-iris', input: Buffer.from('[5.9, 3.0, 4.2, 1.5]').toString('base64'), backend: 'ezkl', max_price: '5' });
  assert.equal(latest.program_id, v2.program_id);

  const mallory = new ProofMarketClient({ baseUrl: c.url!, signer: key() });
  assert.equal(await code(mallory.registerModel({ name: 'my-iris', artifacts })), 'not_model_owner');
  assert.equal(await code(mallory.registerModel({ name: 'iris-mlp', artifacts })), 'not_model_owner');
});

test('bad registrations and lookups are 4xx with catalogued codes', async () => {
  const bob = new ProofMarketClient({ baseUrl: c.url!, signer: key() });
  const artifacts = await uploadIris(bob);
  assert.equal(await code(pm.registerModel({ name: 'unsigned', artifacts })), 'signature_missing');
  assert.equal(await code(bob.registerModel({ name: 'swapped', artifacts: { ...artifacts, settings: artifacts.vk } })), 'invalid_model');
  assert.equal(await code(bob.registerModel({ name: 'no-onnx', artifacts: { ...artifacts, onnx: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy' } })), 'cid_not_found');
  assert.equal(await code(bob.registerModel({ name: 'bad-cid', artifacts: { ...artifacts, vk: 'not-a-cid' } })), 'invalid_cid');
  assert.equal(await code(bob.registerModel({ name: 'Bad Name', artifacts })), 'invalid_request');
  assert.equal(await code(bob.registerModel({ name: 'other-owner', artifacts, owner: '0x' + '1'.repeat(40) })), 'signer_mismatch');
  assert.equal(await code(pm.getModel('nope')), 'model_not_found');
  assert.equal(await code(pm.getModel('iris-mlp:9')), 'model_not_found');
  assert.equal(await code(pm.getModel('iris-mlp:0')), 'invalid_request');
  const res = await fetch(`${c.url}/v1/models/${encodeURIComponent('bad id!')}`);
  assert.equal(res.status, 400);
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'invalid_request');
});
