// The program registry: built-ins listed, artifacts downloadable and matching their hashes, uploads
// checked (the vkey must be the zkey's own), and privacy levels routed to programs by configuration.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { artifactHashes, builtinArtifactUrl } from '../src/proofs/programs.ts';
import { canonicalJson, sha256Hex } from '../src/proofs/canonical.ts';
import { parsePrivacyRoutes } from '../src/coordinator/config.ts';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { testCoordinator, type TestCoordinator } from './support/coordinator.ts';

let c: TestCoordinator;
before(async () => {
  c = await testCoordinator({ privacyRoutes: parsePrivacyRoutes('1-9:data-commitment/groth16,10-19:data-commitment/plonk,20-255:range-proof/fflonk') });
});
after(async () => {
  await c.close();
  await terminateCurves();
});

test('built-in programs are listed, and their artifacts hash to their id', async () => {
  const list = (await c.call('GET', '/programs')).body as any[];
  const names = list.map((p) => `${p.name}/${p.proof_system}`).sort();
  assert.deepEqual(names, ['data-commitment/groth16', 'data-commitment/plonk', 'range-proof/fflonk', 'range-proof/groth16', 'range-proof/plonk']);
  const p = list.find((x) => x.name === 'range-proof' && x.proof_system === 'groth16');
  const one = await c.call('GET', `/programs/${p.program_id}`);
  assert.equal(one.body.n_public, 2);
  const fetchBytes = async (kind: string) => {
    const res = await c.app.inject({ method: 'GET', url: `/programs/${p.program_id}/artifacts/${kind}` });
    assert.equal(res.statusCode, 200);
    return res.rawPayload;
  };
  const wasm = await fetchBytes('wasm');
  const zkey = await fetchBytes('zkey');
  const vkey = JSON.parse((await fetchBytes('vkey')).toString('utf8'));
  assert.equal(sha256Hex(wasm), p.artifacts.wasm.sha256);
  assert.equal(artifactHashes({ wasm, zkey, vkey }).program_id, p.program_id, 'a prover can check what it downloaded');
});

test('uploading a program: checked against its own zkey, content-addressed and idempotent', async () => {
  const wasm = readFileSync(builtinArtifactUrl('range-proof', 'groth16', 'wasm'));
  const zkey = readFileSync(builtinArtifactUrl('range-proof', 'groth16', 'zkey'));
  const vkey = JSON.parse(readFileSync(builtinArtifactUrl('range-proof', 'groth16', 'vkey'), 'utf8'));
  const plonkVkey = JSON.parse(readFileSync(builtinArtifactUrl('range-proof', 'plonk', 'vkey'), 'utf8'));
  const body = { name: 'my-range', proof_system: 'groth16', wasm: wasm.toString('base64'), zkey: zkey.toString('base64'), vkey };

  const wrongSystem = await c.call('POST', '/programs', { ...body, vkey: plonkVkey });
  assert.equal(wrongSystem.status, 400);
  assert.equal(wrongSystem.body.error.code, 'invalid_artifact');
  const otherKey = await c.call('POST', '/programs', { ...body, vkey: { ...vkey, IC: [...vkey.IC].reverse() } });
  assert.equal(otherKey.status, 400);
  assert.match(otherKey.body.error.message, /does not belong to the proving key/);

  const ok = await c.call('POST', '/programs', body);
  assert.equal(ok.status, 200);
  assert.equal(ok.body.program_id, artifactHashes({ wasm, zkey, vkey }).program_id);
  assert.equal(sha256Hex(canonicalJson(vkey)), ok.body.artifacts.vkey.sha256);
  const again = await c.call('POST', '/programs', body);
  assert.equal(again.body.program_id, ok.body.program_id);
});

test('privacy levels are routed to programs and proof systems by configuration', async () => {
  await c.call('POST', '/provers/register', { prover_id: 'router', supported_levels: [5, 15, 25], capacity: 3 });
  await c.call('POST', '/tasks', { task_id: 'route-5', privacy_level: 5, circuit_data: [1], reward_amount: 1, requester: 'r', priority: 3 });
  await c.call('POST', '/tasks', { task_id: 'route-15', privacy_level: 15, circuit_data: [1], reward_amount: 1, requester: 'r', priority: 2 });
  const range = Array.from(Buffer.from(JSON.stringify({ value: '42', min: '18', max: '150' })));
  await c.call('POST', '/tasks', { task_id: 'route-25', privacy_level: 25, circuit_data: range, reward_amount: 1, requester: 'r', priority: 1 });
  const bad = await c.call('POST', '/tasks', { task_id: 'route-25-bad', privacy_level: 25, circuit_data: Array.from(Buffer.from('{"value":"7","min":"18","max":"150"}')), reward_amount: 1, requester: 'r' });
  assert.equal(bad.status, 400, 'an input the range-proof program cannot prove is refused at submission');
  assert.equal(bad.body.error.code, 'invalid_input');
  const got = [];
  for (let i = 0; i < 3; i++) {
    const t = (await c.call('GET', '/tasks/assign/router')).body;
    got.push(`${t.task_id}:${t.program_name}/${t.proof_system}`);
  }
  assert.deepEqual(got, ['route-5:data-commitment/groth16', 'route-15:data-commitment/plonk', 'route-25:range-proof/fflonk']);
});
