import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as snarkjs from 'snarkjs';
import { terminateCurves } from '../proofs/curves.ts';
import { rangeProofInput } from '../proofs/builtin/range-proof.ts';
import { corruptProof } from './faulty.ts';

after(terminateCurves);

const g1 = (n: number) => [String(n), String(n + 1), '1'];

test('a proof with two G1 points gets them swapped; the signals stay', () => {
  const env = { system: 'groth16' as const, proof: { pi_a: g1(1), pi_b: [g1(5), g1(7), ['1', '0']], pi_c: g1(3), protocol: 'groth16' }, public_signals: ['10'] };
  const bad = corruptProof(env, 0.1);
  assert.deepEqual((bad.proof as { pi_a: string[] }).pi_a, g1(3));
  assert.deepEqual((bad.proof as { pi_c: string[] }).pi_c, g1(1));
  assert.deepEqual(bad.public_signals, ['10']);
  assert.deepEqual((env.proof as { pi_a: string[] }).pi_a, g1(1), 'the original is not mutated');
});

test('otherwise the first public signal is changed', () => {
  const env = { system: 'plonk' as const, proof: { A: g1(1), B: g1(2) }, public_signals: ['10', '20'] };
  assert.deepEqual(corruptProof(env, 0.9).public_signals, ['11', '20']);
  assert.deepEqual(corruptProof({ ...env, proof: {} }, 0.1).public_signals, ['11', '20']);
  assert.deepEqual(corruptProof({ ...env, public_signals: [] }, 0.9).public_signals, ['1']);
});

test('every kind of damage makes a real proof fail verification, in every system', async () => {
  const dir = new URL('../../circuits/range-proof/', import.meta.url);
  const wasm = readFileSync(new URL('range-proof.wasm', dir));
  for (const system of ['groth16', 'plonk', 'fflonk'] as const) {
    const zkey = readFileSync(new URL(`${system}.zkey`, dir));
    const vkey = JSON.parse(readFileSync(new URL(`${system}.vkey.json`, dir), 'utf8'));
    const { proof, publicSignals } = await snarkjs[system].fullProve(rangeProofInput({ value: '5', min: '1', max: '9' }), wasm, zkey);
    assert.equal(await snarkjs[system].verify(vkey, publicSignals, proof), true);
    for (const random of [0.1, 0.9]) {
      const bad = corruptProof({ system, proof, public_signals: publicSignals }, random);
      const ok = await snarkjs[system].verify(vkey, bad.public_signals, bad.proof as object).catch(() => false);
      assert.equal(ok, false, `${system} with random ${random}`);
    }
  }
});
