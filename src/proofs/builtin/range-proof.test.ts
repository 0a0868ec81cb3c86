import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as snarkjs from 'snarkjs';
import { RANGE_PROOF_LIMIT, rangeProofInput, rangeProofPublicSignals } from './range-proof.ts';

const CIRCUITS = new URL('../../../circuits/', import.meta.url);
const DIR = new URL('range-proof/', CIRCUITS);
const file = (name: string): string => fileURLToPath(new URL(name, DIR));

interface ManifestEntry {
  name: string;
  systems: string[];
}
const manifest = JSON.parse(readFileSync(new URL('manifest.json', CIRCUITS), 'utf8')) as ManifestEntry[];
const entry = manifest.find((m) => m.name === 'range-proof');
assert.ok(entry, 'range-proof is in circuits/manifest.json');

const SYSTEMS = { groth16: snarkjs.groth16, plonk: snarkjs.plonk, fflonk: snarkjs.fflonk } as const;
type SystemName = keyof typeof SYSTEMS;
const shipped = entry.systems as SystemName[];

after(async () => {
  await (globalThis as { curve_bn128?: { terminate(): Promise<void> } }).curve_bn128?.terminate();
});

test('ships groth16, plonk and fflonk', () => {
  assert.deepEqual([...shipped].sort(), ['fflonk', 'groth16', 'plonk']);
});

for (const system of shipped) {
  test(`${system}: valid proof verifies; public signals are [min, max]; tampering fails`, async () => {
    const sys = SYSTEMS[system];
    const vkey = JSON.parse(readFileSync(file(`${system}.vkey.json`), 'utf8')) as object;
    const json = { value: '42', min: '18', max: '150' };
    const { proof, publicSignals } = await sys.fullProve(
      rangeProofInput(json),
      file('range-proof.wasm'),
      file(`${system}.zkey`),
    );
    assert.deepEqual(publicSignals, rangeProofPublicSignals(json));
    assert.deepEqual(publicSignals, ['18', '150']);
    assert.equal(await sys.verify(vkey, publicSignals, proof), true);
    assert.equal(await sys.verify(vkey, ['19', '150'], proof), false);
    assert.equal(await sys.verify(vkey, ['18', '41'], proof), false);
  });
}

test('groth16: the 64-bit edges prove (value = min = 0, value = max = 2^64 - 1)', async () => {
  const vkey = JSON.parse(readFileSync(file('groth16.vkey.json'), 'utf8')) as object;
  const top = (RANGE_PROOF_LIMIT - 1n).toString();
  for (const json of [
    { value: '0', min: '0', max: '0' },
    { value: top, min: '0', max: top },
  ]) {
    const { proof, publicSignals } = await snarkjs.groth16.fullProve(
      rangeProofInput(json),
      file('range-proof.wasm'),
      file('groth16.zkey'),
    );
    assert.deepEqual(publicSignals, rangeProofPublicSignals(json));
    assert.equal(await snarkjs.groth16.verify(vkey, publicSignals, proof), true);
  }
});

test('the circuit itself rejects out-of-range witnesses (helper bypassed)', async () => {
  const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
  const bad = [
    { value: '17', min: '18', max: '150' }, // below min
    { value: '151', min: '18', max: '150' }, // above max
    { value: (P - 1n).toString(), min: '0', max: '150' }, // "-1" in the field
    { value: RANGE_PROOF_LIMIT.toString(), min: '0', max: (RANGE_PROOF_LIMIT - 1n).toString() }, // 2^64
    { value: '5', min: '0', max: RANGE_PROOF_LIMIT.toString() }, // max = 2^64
  ];
  // The witness calculator logs the failed assertion; keep the test output clean.
  const { log, error } = console;
  console.log = console.error = () => {};
  try {
    for (const input of bad) {
      await assert.rejects(
        snarkjs.wtns.calculate(input, file('range-proof.wasm'), { type: 'mem', data: new Uint8Array(0) }),
        `witness generation must fail for ${JSON.stringify(input)}`,
      );
    }
  } finally {
    console.log = log;
    console.error = error;
  }
});

test('rangeProofInput validates and normalises', () => {
  assert.deepEqual(rangeProofInput({ value: '42', min: '18', max: '150' }), { min: '18', max: '150', value: '42' });
  assert.deepEqual(rangeProofInput({ value: 42, min: '018', max: 150 }), { min: '18', max: '150', value: '42' });
  const bad: unknown[] = [
    { value: '17', min: '18', max: '150' }, // below min
    { value: '151', min: '18', max: '150' }, // above max
    { value: '5', min: '10', max: '1' }, // min > max
    { value: '-1', min: '0', max: '150' }, // negative
    { value: -1, min: 0, max: 150 }, // negative number
    { value: '1.5', min: '0', max: '150' }, // non-integer
    { value: 1.5, min: 0, max: 150 }, // non-integer number
    { value: '0x10', min: '0', max: '150' }, // not decimal
    { value: '', min: '0', max: '150' }, // empty
    { value: RANGE_PROOF_LIMIT.toString(), min: '0', max: '1' }, // >= 2^64
    { value: '1', min: '0', max: RANGE_PROOF_LIMIT.toString() }, // max >= 2^64
    { value: 2 ** 60, min: 0, max: 2 ** 61 }, // unsafe JSON number (precision lost)
    { min: '0', max: '1' }, // missing value
    { value: '1', min: '0', max: '1', extra: '2' }, // unknown field
    { value: null, min: '0', max: '1' },
    null,
    [1, 2, 3],
    '42',
  ];
  for (const json of bad) {
    assert.throws(() => rangeProofInput(json), RangeError, `should reject ${JSON.stringify(json)}`);
  }
  assert.throws(() => rangeProofInput({ value: '200', min: '18', max: '150' }), /outside the bounds \[18, 150\]/);
});

test('rangeProofPublicSignals needs only the bounds', () => {
  assert.deepEqual(rangeProofPublicSignals({ min: '18', max: '150' }), ['18', '150']);
  assert.deepEqual(rangeProofPublicSignals({ value: '42', min: '18', max: '150' }), ['18', '150']);
  assert.throws(() => rangeProofPublicSignals({ min: '2', max: '1' }), RangeError);
  assert.throws(() => rangeProofPublicSignals({ min: '-2', max: '1' }), RangeError);
});
