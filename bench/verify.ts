// npm run bench -- verify [--json]   (sizes: VERIFY_ROUNDS, VERIFY_SINGLES, VERIFY_POOL_PROOFS)
// Groth16 verification per second, in this process and on one thread: snarkjs (the reference and baseline),
// the mcl-wasm verifier one proof at a time, and batches of BATCH proofs (one random linear combination each).
// Then the same through the coordinator's Verifier pool (snarkjs jobs against batched mcl jobs), and PLONK and
// FFLONK on snarkjs for reference. Proofs: one real proof per built-in program, re-randomised into many.
import { fileURLToPath } from 'node:url';
import * as snarkjs from 'snarkjs';
import { terminateCurves } from '../src/proofs/curves.ts';
import { useSingleThreadedCurve } from '../src/proofs/snark-thread.ts';
import { builtinArtifactUrl } from '../src/proofs/programs.ts';
import { parseProof, prepareKey, verifyBatch, verifyOne, type PreparedKey } from '../src/proofs/groth16-fast/groth16.ts';
import { rerandomise, sampleGroth16Programs, type SampleProgram } from '../src/proofs/groth16-fast/variants.ts';
import { Verifier } from '../src/proofs/verifier.ts';
import { readFileSync } from 'node:fs';
import { fmt, ratio, round, sized, table, type Figures } from './support.ts';

const BATCH = 64;
const PROGRAM = 'data-commitment';
/** Each figure is timed in ROUNDS rounds, interleaved with the others, so that load from elsewhere hits all alike. */
const ROUNDS = sized('VERIFY_ROUNDS', 3);
const SINGLES = sized('VERIFY_SINGLES', 12);
const POOL_PROOFS = sized('VERIFY_POOL_PROOFS', 256);

/** Proofs per second of `n` calls of `fn`. */
async function rate(n: number, fn: (i: number) => unknown): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  return n / ((performance.now() - started) / 1000);
}

function fastOne(key: PreparedKey, s: SampleProgram, proof: unknown): boolean {
  const parsed = parseProof(key, proof, s.publicSignals);
  return parsed.kind === 'parsed' && verifyOne(key, parsed.proof);
}

/** A batch, parsing and every input check included. */
function fastBatch(key: PreparedKey, s: SampleProgram, proofs: unknown[]): boolean {
  const parsed = proofs.map((p) => parseProof(key, p, s.publicSignals));
  return verifyBatch(key, parsed.map((p) => (p.kind === 'parsed' ? p.proof : assertNever(p.kind)))).every(Boolean);
}

function assertNever(kind: string): never {
  throw new Error(`a valid proof did not parse (${kind})`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function singleThread(s: SampleProgram, key: PreparedKey, proofs: unknown[]) {
  const figures = { snarkjs: [] as number[], fast: [] as number[], batch: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    figures.snarkjs.push(await rate(SINGLES, async (i) => must(await snarkjs.groth16.verify(s.vkey, s.publicSignals, proofs[i % proofs.length] as never))));
    figures.fast.push(await rate(SINGLES * 2, (i) => must(fastOne(key, s, proofs[i % proofs.length]))));
    figures.batch.push((await rate(2, () => must(fastBatch(key, s, proofs)))) * proofs.length);
  }
  return { snarkjs: median(figures.snarkjs), fast: median(figures.fast), batch: median(figures.batch) };
}

function must(ok: boolean): void {
  if (!ok) throw new Error('a valid proof failed verification in the bench');
}

/** Proofs per second through the Verifier pool, all POOL_PROOFS submitted at once. */
async function throughPool(verifier: Verifier, s: SampleProgram, proofs: unknown[]): Promise<number> {
  const run = (n: number) => Promise.all(Array.from({ length: n }, (_, i) => verifier.verifyRaw({ system: 'groth16', vkey: s.vkey, proof: proofs[i % proofs.length], publicSignals: s.publicSignals })));
  await run(verifier.pool.size * 2); // warm-up: curves built, the key's self-check done
  const started = performance.now();
  const outcomes = await run(POOL_PROOFS);
  if (!outcomes.every((o) => o.pass)) throw new Error('a valid proof failed in the pool');
  return POOL_PROOFS / ((performance.now() - started) / 1000);
}

async function snarkjsOther(system: 'plonk' | 'fflonk'): Promise<number> {
  const wasm = fileURLToPath(builtinArtifactUrl('range-proof', system, 'wasm'));
  const zkey = fileURLToPath(builtinArtifactUrl('range-proof', system, 'zkey'));
  const vkey = JSON.parse(readFileSync(builtinArtifactUrl('range-proof', system, 'vkey'), 'utf8')) as object;
  const { proof, publicSignals } = await snarkjs[system].fullProve({ value: '42', min: '18', max: '150' }, wasm, zkey);
  return rate(SINGLES, async () => must(await snarkjs[system].verify(vkey, publicSignals, proof as never)));
}

export async function verifyBench(): Promise<Figures> {
  await useSingleThreadedCurve();
  const s = (await sampleGroth16Programs()).find((p) => p.name === PROGRAM)!;
  const key = (await prepareKey(s.vkey))!;
  const proofs = await Promise.all(Array.from({ length: BATCH }, () => rerandomise(s.vkey, s.proof)));
  const one = await singleThread(s, key, proofs);

  const reference = new Verifier({ fastGroth16: false });
  const snarkjsPool = await throughPool(reference, s, proofs).finally(() => reference.close());
  const batched = new Verifier();
  const fastPool = await throughPool(batched, s, proofs).finally(() => batched.close());
  const plonk = await snarkjsOther('plonk');
  const fflonk = await snarkjsOther('fflonk');
  await terminateCurves();

  console.log(`\nGroth16 verification (${PROGRAM}, one thread, median of ${ROUNDS} interleaved rounds; batches of ${BATCH})`);
  table([
    { verifier: 'snarkjs, one proof', 'proofs/s': fmt(one.snarkjs), 'vs snarkjs': ratio(one.snarkjs, one.snarkjs) },
    { verifier: 'mcl-wasm, one proof', 'proofs/s': fmt(one.fast), 'vs snarkjs': ratio(one.fast, one.snarkjs) },
    { verifier: `mcl-wasm, batch of ${BATCH}`, 'proofs/s': fmt(one.batch), 'vs snarkjs': ratio(one.batch, one.snarkjs) },
    { verifier: `pool of ${reference.pool.size}, snarkjs`, 'proofs/s': fmt(snarkjsPool), 'vs snarkjs': ratio(snarkjsPool, one.snarkjs) },
    { verifier: `pool of ${batched.pool.size}, batched mcl-wasm`, 'proofs/s': fmt(fastPool), 'vs snarkjs': ratio(fastPool, one.snarkjs) },
    { verifier: 'PLONK, snarkjs (range-proof)', 'proofs/s': fmt(plonk), 'vs snarkjs': ratio(plonk, one.snarkjs) },
    { verifier: 'FFLONK, snarkjs (range-proof)', 'proofs/s': fmt(fflonk), 'vs snarkjs': ratio(fflonk, one.snarkjs) },
  ]);
  return {
    snarkjs_per_s: round(one.snarkjs),
    fast_per_s: round(one.fast),
    batch_per_s: round(one.batch),
    fast_ratio: round(one.fast / one.snarkjs, 2),
    batch_ratio: round(one.batch / one.snarkjs, 2),
    pool_snarkjs_per_s: round(snarkjsPool),
    pool_batch_per_s: round(fastPool),
    pool_threads: batched.pool.size,
    plonk_per_s: round(plonk),
    fflonk_per_s: round(fflonk),
  };
}
