// Registering programs for external backends: known and installed backends only, artifacts opaque unless the
// backend declares snarkjs ones, and the backend bound into the program id through the vkey.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { artifactHashes, builtinArtifactUrl } from '../../proofs/programs.ts';
import { terminateCurves } from '../../cli/shutdown.ts';
import { testCoordinator, type TestCoordinator } from '../../../test/support/coordinator.ts';

let c: TestCoordinator;
before(async () => {
  c = await testCoordinator();
});
after(async () => {
  await c.close();
  await terminateCurves();
});

const wasm = readFileSync(builtinArtifactUrl('range-proof', 'groth16', 'wasm'));
const zkey = readFileSync(builtinArtifactUrl('range-proof', 'groth16', 'zkey'));
const vkey = JSON.parse(readFileSync(builtinArtifactUrl('range-proof', 'groth16', 'vkey'), 'utf8'));
const plonkVkey = JSON.parse(readFileSync(builtinArtifactUrl('range-proof', 'plonk', 'vkey'), 'utf8'));
const body = { name: 'cli-range', proof_system: 'snarkjs-cli', input_encoding: 'range-proof', wasm: wasm.toString('base64'), zkey: zkey.toString('base64'), vkey };

test('a program for the snarkjs-cli backend: checked like a snarkjs one, its own id, the backend in its vkey', async () => {
  const ok = await c.call('POST', '/programs', body);
  assert.equal(ok.status, 200, ok.raw);
  assert.equal(ok.body.proof_system, 'snarkjs-cli');
  const stored = { ...vkey, backend: 'snarkjs-cli' };
  assert.equal(ok.body.program_id, artifactHashes({ wasm, zkey, vkey: stored }).program_id);
  assert.notEqual(ok.body.program_id, artifactHashes({ wasm, zkey, vkey }).program_id, 'not the groth16 program of the same files');
  const served = await c.app.inject({ method: 'GET', url: `/programs/${ok.body.program_id}/artifacts/vkey` });
  assert.deepEqual(JSON.parse(served.body), stored);
  assert.equal((await c.call('POST', '/programs', { ...body, vkey: stored })).body.program_id, ok.body.program_id, 'idempotent');

  const wrongKey = await c.call('POST', '/programs', { ...body, vkey: plonkVkey });
  assert.equal(wrongKey.status, 400);
  assert.equal(wrongKey.body.error.code, 'invalid_artifact');
  const otherBackend = await c.call('POST', '/programs', { ...body, vkey: { ...vkey, backend: 'koalabear' } });
  assert.equal(otherBackend.status, 400);
  assert.match(otherBackend.body.error.message, /names backend "koalabear", not snarkjs-cli/);
});

test('a backend the coordinator cannot verify, or does not know, is refused with what to do', async () => {
  const pico = await c.call('POST', '/programs', { ...body, proof_system: 'koalabear', zkey: '', vkey: { elf_sha256: 'ab' } });
  assert.equal(pico.status, 400);
  assert.equal(pico.body.error.code, 'backend_not_installed');
  assert.match(pico.body.error.message, /pico-proofmarket-verify not found\. To install it: .*cargo \+nightly install --git https:\/\/github\.com\/brevis-network\/pico pico-cli/);
  const unknown = await c.call('POST', '/programs', { ...body, proof_system: 'halo2' });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.error.code, 'unknown_backend');
  assert.match(unknown.body.error.message, /groth16, plonk, fflonk/);
  const malformed = await c.call('POST', '/programs', { ...body, proof_system: 'Not A Name' });
  assert.equal(malformed.status, 400);
});
