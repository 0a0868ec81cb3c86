import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { terminateCurves } from './curves.ts';
import { MarketError } from '../domain/errors.ts';
import { loadBackends } from './backends/registry.ts';
import { builtinArtifactUrl, systemOfVkey, validateArtifacts, withBackend } from './programs.ts';

after(terminateCurves);

const wasm = readFileSync(builtinArtifactUrl('range-proof', 'groth16', 'wasm'));
const zkey = readFileSync(builtinArtifactUrl('range-proof', 'groth16', 'zkey'));
const vkey = JSON.parse(readFileSync(builtinArtifactUrl('range-proof', 'groth16', 'vkey'), 'utf8'));
const code = (c: string) => (e: unknown) => e instanceof MarketError && e.code === c;

test('validateArtifacts: snarkjs systems and snarkjs-artifact backends are checked; opaque backends only need a program file', async () => {
  const backends = loadBackends();
  await validateArtifacts('groth16', { wasm, zkey, vkey });
  await assert.rejects(validateArtifacts('groth16', { wasm, zkey, vkey: withBackend('snarkjs-cli', vkey) }), code('invalid_artifact'));
  await validateArtifacts('snarkjs-cli', { wasm, zkey, vkey: withBackend('snarkjs-cli', vkey) }, backends);
  await assert.rejects(validateArtifacts('snarkjs-cli', { wasm, zkey: wasm, vkey: withBackend('snarkjs-cli', vkey) }, backends), code('invalid_artifact'));
  await assert.rejects(validateArtifacts('snarkjs-cli', { wasm, zkey, vkey: withBackend('snarkjs-cli', { protocol: 'stark' }) }, backends), /takes a snarkjs verification key/);
  const elf = new TextEncoder().encode('\x7fELF');
  await validateArtifacts('koalabear', { wasm: elf, zkey: new Uint8Array(), vkey: withBackend('koalabear', {}) }, backends);
  await assert.rejects(validateArtifacts('koalabear', { wasm: new Uint8Array(), zkey: new Uint8Array(), vkey: {} }, backends), code('invalid_artifact'));
});

test('withBackend and systemOfVkey: the backend is named in external vkeys only', () => {
  assert.equal(withBackend('groth16', vkey), vkey);
  assert.deepEqual(withBackend('koalabear', { a: 1 }), { a: 1, backend: 'koalabear' });
  assert.deepEqual(withBackend('koalabear', { a: 1, backend: 'koalabear' }), { a: 1, backend: 'koalabear' });
  assert.throws(() => withBackend('koalabear', { backend: 'babybear' }), code('invalid_artifact'));
  assert.throws(() => withBackend('koalabear', [1]), code('invalid_artifact'));
  assert.equal(systemOfVkey(vkey), 'groth16');
  assert.equal(systemOfVkey(withBackend('snarkjs-cli', vkey)), 'snarkjs-cli');
  assert.equal(systemOfVkey({ protocol: 'stark' }), undefined);
  assert.equal(systemOfVkey(null), undefined);
});
