/**
 * Poseidon with 8 inputs (t = 9) over the BN254 scalar field, equal to circomlib's Poseidon(8) and
 * poseidon-lite's poseidon8, in plain BigInt arithmetic: the optimized round structure of circomlibjs's
 * poseidon_opt (sparse matrices in the partial rounds; constants in poseidon8-constants.json, copied from
 * circomlibjs), with fewer reductions: a dot product is reduced once, not per term, and the partial rounds
 * leave state[1..8] unreduced (each round only adds one product to them, so they grow by a few bits).
 *
 * Why: the coordinator hashes every submitted task's data (five calls per commitment) on its main thread.
 * poseidon-lite is ~6× slower; circomlibjs's wasm Poseidon is as fast but builds a bn128 curve that keeps
 * ~100 MB resident and takes ~0.7 s to build.
 */
import { readFileSync } from 'node:fs';

const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const T = 9;
const ROUNDS_F = 8;
const ROUNDS_P = 63;

interface Constants {
  C: bigint[];
  S: bigint[];
  M: bigint[][];
  P: bigint[][];
}

let constants: Constants | undefined;

function load(): Constants {
  const raw = JSON.parse(readFileSync(new URL('./poseidon8-constants.json', import.meta.url), 'utf8')) as { C: string[]; S: string[]; M: string[][]; P: string[][] };
  const big = (x: string) => BigInt(x);
  return { C: raw.C.map(big), S: raw.S.map(big), M: raw.M.map((row) => row.map(big)), P: raw.P.map((row) => row.map(big)) };
}

const mod = (x: bigint) => {
  const r = x % R;
  return r < 0n ? r + R : r;
};

function pow5(x: bigint): bigint {
  const x2 = (x * x) % R;
  const x4 = (x2 * x2) % R;
  return (x4 * x) % R;
}

/** state ← stateᵀ·matrix (matrix[j][i]), each output reduced once. */
function mix(state: bigint[], matrix: bigint[][]): bigint[] {
  const out = new Array<bigint>(T);
  for (let i = 0; i < T; i++) {
    let acc = 0n;
    for (let j = 0; j < T; j++) acc += matrix[j]![i]! * state[j]!;
    out[i] = acc % R;
  }
  return out;
}

/** One full round without its matrix: the S-box on every element, then the round constants at `offset`. */
function fullSbox(state: bigint[], C: bigint[], offset: number | undefined): void {
  // below 2r, unreduced: the matrix product that follows reduces it
  for (let i = 0; i < T; i++) state[i] = offset === undefined ? pow5(state[i]!) : pow5(state[i]!) + C[offset + i]!;
}

/** Poseidon(8): 8 field elements (each reduced mod r) to one. */
export function poseidon8(inputs: readonly bigint[]): bigint {
  if (inputs.length !== 8) throw new RangeError(`poseidon8 takes 8 inputs, not ${inputs.length}`);
  const { C, S, M, P } = (constants ??= load());
  let state = [0n, ...inputs.map(mod)].map((a, i) => (a + C[i]!) % R);
  for (let r = 0; r < ROUNDS_F / 2 - 1; r++) {
    fullSbox(state, C, (r + 1) * T);
    state = mix(state, M);
  }
  fullSbox(state, C, (ROUNDS_F / 2) * T);
  state = mix(state, P);
  const base = (ROUNDS_F / 2 + 1) * T;
  for (let r = 0; r < ROUNDS_P; r++) {
    const s = (2 * T - 1) * r;
    const x0 = pow5(state[0]!) + C[base + r]!; // below 2r
    let s0 = S[s]! * x0;
    for (let j = 1; j < T; j++) s0 += S[s + j]! * state[j]!;
    for (let k = 1; k < T; k++) state[k] = state[k]! + x0 * S[s + T + k - 1]!;
    state[0] = s0 % R;
  }
  for (let k = 1; k < T; k++) state[k] = state[k]! % R;
  for (let r = 0; r < ROUNDS_F / 2 - 1; r++) {
    fullSbox(state, C, base + ROUNDS_P + r * T);
    state = mix(state, M);
  }
  fullSbox(state, C, undefined);
  return mix(state, M)[0]!;
}
