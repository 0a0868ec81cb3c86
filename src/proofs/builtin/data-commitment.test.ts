import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as snarkjs from 'snarkjs';
import {
  DATA_COMMITMENT_MAX_BYTES,
  dataCommitment,
  dataCommitmentInput,
  dataCommitmentWasm,
} from './data-commitment.ts';

const CIRCUITS = new URL('../../../circuits/', import.meta.url);
const DIR = new URL('data-commitment/', CIRCUITS);
const file = (name: string): string => fileURLToPath(new URL(name, DIR));

interface ManifestEntry {
  name: string;
  systems: string[];
  max_input_bytes: number | null;
}
const manifest = JSON.parse(readFileSync(new URL('manifest.json', CIRCUITS), 'utf8')) as ManifestEntry[];
const entry = manifest.find((m) => m.name === 'data-commitment');
assert.ok(entry, 'data-commitment is in circuits/manifest.json');

const SYSTEMS = { groth16: snarkjs.groth16, plonk: snarkjs.plonk, fflonk: snarkjs.fflonk } as const;
type SystemName = keyof typeof SYSTEMS;
const shipped = entry.systems as SystemName[];

async function proveAndCheck(
  system: SystemName,
  data: Uint8Array,
): Promise<{ vkey: object; proof: object; publicSignals: string[] }> {
  const sys = SYSTEMS[system];
  const vkey = JSON.parse(readFileSync(file(`${system}.vkey.json`), 'utf8')) as object;
  const { proof, publicSignals } = await sys.fullProve(
    dataCommitmentInput(data),
    file('data-commitment.wasm'),
    file(`${system}.zkey`),
  );
  assert.equal(publicSignals.length, 1);
  assert.equal(publicSignals[0], dataCommitment(data).toString());
  assert.equal(await sys.verify(vkey, publicSignals, proof), true);
  return { vkey, proof, publicSignals };
}

after(async () => {
  await (globalThis as { curve_bn128?: { terminate(): Promise<void> } }).curve_bn128?.terminate();
});

test('the wasm Poseidon gives the same commitment as the reference, for any bytes', async () => {
  const fc = (await import('fast-check')).default;
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: DATA_COMMITMENT_MAX_BYTES }), async (bytes) => {
      assert.equal(await dataCommitmentWasm(bytes), dataCommitment(bytes));
    }),
    { numRuns: 40 },
  );
  await assert.rejects(dataCommitmentWasm(new Uint8Array(DATA_COMMITMENT_MAX_BYTES + 1)), RangeError);
});

test('manifest matches the helper and ships groth16 + plonk', () => {
  assert.equal(entry.max_input_bytes, DATA_COMMITMENT_MAX_BYTES);
  assert.ok(DATA_COMMITMENT_MAX_BYTES >= 1024);
  assert.ok(shipped.includes('groth16') && shipped.includes('plonk'));
});

for (const system of shipped) {
  test(`${system}: proves and verifies [1,2,3,4] with the shipped artifacts`, async () => {
    await proveAndCheck(system, new Uint8Array([1, 2, 3, 4]));
  });

  test(`${system}: shipped vkey matches the shipped zkey`, async () => {
    const fromZkey = await snarkjs.zKey.exportVerificationKey(file(`${system}.zkey`));
    const shippedVkey: unknown = JSON.parse(readFileSync(file(`${system}.vkey.json`), 'utf8'));
    assert.deepEqual(fromZkey, shippedVkey);
  });
}

test('groth16: proves and verifies 1024 random bytes; the proof fails for another commitment', async () => {
  const data = new Uint8Array(randomBytes(1024));
  const { vkey, proof } = await proveAndCheck('groth16', data);
  const other = [dataCommitment(new Uint8Array([...data, 0])).toString()];
  assert.equal(await snarkjs.groth16.verify(vkey, other, proof), false);
});

test('groth16: proves and verifies a full-capacity input and the empty input', async () => {
  await proveAndCheck('groth16', new Uint8Array(randomBytes(DATA_COMMITMENT_MAX_BYTES)));
  await proveAndCheck('groth16', new Uint8Array(0));
});

test('the length is bound: trailing zero bytes change the commitment', () => {
  assert.notEqual(dataCommitment(new Uint8Array([1, 2, 3])), dataCommitment(new Uint8Array([1, 2, 3, 0])));
  assert.notEqual(dataCommitment(new Uint8Array(0)), dataCommitment(new Uint8Array([0])));
  // A chunk boundary: 31 bytes vs 31 bytes + one zero byte (second chunk is 0 in both).
  const a = new Uint8Array(31).fill(5);
  const b = new Uint8Array(32).fill(5);
  b[31] = 0;
  assert.notEqual(dataCommitment(a), dataCommitment(b));
});

test('encoding: 31-byte big-endian chunks, zero-padded', () => {
  const input = dataCommitmentInput(new Uint8Array([1, 2]));
  const chunks = input.chunks as string[];
  assert.equal(chunks.length, 35);
  // [1, 2] right-padded to 31 bytes, big-endian: 0x0102 << (29 * 8).
  assert.equal(chunks[0], ((0x0102n << (29n * 8n))).toString());
  assert.ok(chunks.slice(1).every((c) => c === '0'));
  assert.equal(input.length, '2');
  // The empty string is accepted: length 0 and all-zero chunks.
  const empty = dataCommitmentInput(new Uint8Array(0));
  assert.equal(empty.length, '0');
  assert.ok((empty.chunks as string[]).every((c) => c === '0'));
});

test('input over capacity throws RangeError', () => {
  const tooBig = new Uint8Array(DATA_COMMITMENT_MAX_BYTES + 1);
  assert.throws(() => dataCommitmentInput(tooBig), RangeError);
  assert.throws(() => dataCommitment(tooBig), RangeError);
});
