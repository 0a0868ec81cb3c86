/**
 * Off-circuit helpers for the built-in `data-commitment` program
 * (circuits/data-commitment/data-commitment.circom).
 *
 * Encoding (must match the circuit; also documented in circuits/README.md):
 *   1. The byte string is split into 31-byte chunks. The last chunk is zero-padded on the
 *      right to 31 bytes. Each chunk is read as a BIG-ENDIAN unsigned integer (< 2^248,
 *      so it always fits in a BN254 field element).
 *   2. The chunk elements are zero-padded to DATA_COMMITMENT_CHUNKS (35) elements,
 *      giving a capacity of 35 * 31 = 1085 bytes.
 *   3. The byte length is a separate input, so [1,2,3] and [1,2,3,0] commit differently.
 *
 * Commitment: a chain of arity-8 Poseidon calls (circomlib Poseidon(8) == poseidon-lite poseidon8 == ./poseidon8.ts):
 *   h0 = poseidon8([length, c0..c6]);  hk = poseidon8([h(k-1), c(7k)..c(7k+6)]) for k = 1..4;
 *   commitment = h4 (the only public signal).
 *
 * The empty byte string is accepted: length 0, all chunks zero.
 */
import { poseidon8 } from './poseidon8.ts';

/** Bytes packed per field element. */
export const DATA_COMMITMENT_BYTES_PER_CHUNK = 31;
/** Chunks absorbed per Poseidon(8) call (the 8th input is the chaining value / length). */
export const DATA_COMMITMENT_CHUNKS_PER_BLOCK = 7;
/** Number of Poseidon(8) calls in the chain. */
export const DATA_COMMITMENT_BLOCKS = 5;
/** Fixed number of chunk inputs of the circuit. */
export const DATA_COMMITMENT_CHUNKS = DATA_COMMITMENT_BLOCKS * DATA_COMMITMENT_CHUNKS_PER_BLOCK;
/** Maximum byte length the circuit accepts (1085). */
export const DATA_COMMITMENT_MAX_BYTES: number = DATA_COMMITMENT_CHUNKS * DATA_COMMITMENT_BYTES_PER_CHUNK;

function checkCapacity(data: Uint8Array): void {
  if (data.length > DATA_COMMITMENT_MAX_BYTES) {
    throw new RangeError(
      `data-commitment input is ${data.length} bytes; the circuit accepts at most ${DATA_COMMITMENT_MAX_BYTES} bytes`,
    );
  }
}

/** Packs bytes into DATA_COMMITMENT_CHUNKS big-endian 31-byte field elements (zero-padded). */
function packChunks(data: Uint8Array): bigint[] {
  const chunks: bigint[] = new Array<bigint>(DATA_COMMITMENT_CHUNKS).fill(0n);
  for (let c = 0; c < DATA_COMMITMENT_CHUNKS; c++) {
    let v = 0n;
    const start = c * DATA_COMMITMENT_BYTES_PER_CHUNK;
    for (let i = 0; i < DATA_COMMITMENT_BYTES_PER_CHUNK; i++) {
      // Bytes past the end are zero padding (right-padding of the last chunk).
      v = (v << 8n) | BigInt(data[start + i] ?? 0);
    }
    chunks[c] = v;
  }
  return chunks;
}

/**
 * The circuit input signals for snarkjs fullProve: `{ chunks: string[35], length: string }`.
 * Throws a RangeError when `data` is longer than DATA_COMMITMENT_MAX_BYTES.
 */
export function dataCommitmentInput(data: Uint8Array): Record<string, string | string[] | string[][]> {
  checkCapacity(data);
  return {
    chunks: packChunks(data).map((c) => c.toString()),
    length: data.length.toString(),
  };
}

/**
 * The expected public signal (the commitment) for `data`; equals publicSignals[0] of a proof.
 * Throws a RangeError when `data` is longer than DATA_COMMITMENT_MAX_BYTES.
 */
export function dataCommitment(data: Uint8Array): bigint {
  return chain(data, poseidon8);
}

function chain(data: Uint8Array, hash8: (inputs: bigint[]) => bigint): bigint {
  checkCapacity(data);
  const chunks = packChunks(data);
  let h = BigInt(data.length);
  for (let k = 0; k < DATA_COMMITMENT_BLOCKS; k++) {
    const start = k * DATA_COMMITMENT_CHUNKS_PER_BLOCK;
    h = hash8([h, ...chunks.slice(start, start + DATA_COMMITMENT_CHUNKS_PER_BLOCK)]);
  }
  return h;
}

let wasmPoseidon: Promise<(inputs: bigint[]) => bigint> | undefined;

/**
 * The same commitment through circomlibjs's Poseidon compiled to wasm: ~1.7× faster than `dataCommitment`
 * (./poseidon8.ts), but it builds a bn128 curve that keeps ~100 MB resident and takes ~0.7 s to build, so the
 * coordinator uses `dataCommitment`; this one stays as a second, independent implementation for the tests.
 */
export async function dataCommitmentWasm(data: Uint8Array): Promise<bigint> {
  wasmPoseidon ??= (async () => {
    // Hazard: circomlibjs's own (older) ffjavascript sets globalThis.curve_bn128 when it loads and when it
    // builds a curve, replacing snarkjs's threaded curve, which then can no longer be terminated and keeps
    // the process alive. Put back whatever was there.
    const g = globalThis as { curve_bn128?: unknown };
    const had = 'curve_bn128' in g;
    const previous = g.curve_bn128;
    try {
      const { buildPoseidon } = await import('circomlibjs');
      const p = await buildPoseidon();
      return (inputs: bigint[]) => p.F.toObject(p(inputs));
    } finally {
      if (had) g.curve_bn128 = previous;
      else delete g.curve_bn128;
    }
  })();
  return chain(data, await wasmPoseidon);
}
