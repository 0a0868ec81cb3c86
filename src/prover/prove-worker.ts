// Runs in a worker thread of the prover pool: one snarkjs proof per message (see WorkerPool's protocol).
import { statSync, readFileSync } from 'node:fs';
import * as snarkjs from 'snarkjs';
import { WitnessCalculatorBuilder, type WitnessCalculator } from 'circom_runtime';
import * as ffjavascript from 'ffjavascript';
import { useSingleThreadedCurve } from '../proofs/snark-thread.ts';
import { serveJobs } from '../proofs/worker-jobs.ts';
import type { SnarkjsProveJob, ProveOutput } from './proving.ts';

/**
 * A node proves the same few programs over and over, so each worker keeps, per program, the circuit's compiled
 * witness calculator and the proving key's bytes. snarkjs' fullProve would read both files, compile the wasm and
 * allocate its memory again for every proof (about a tenth of a small circuit's proving time, most of it on V8's
 * helper threads, which two busy workers then fight over). Keyed by path, size and mtime, so a replaced file is
 * read again; the least recently used entries go first.
 */
const CACHED_PROGRAMS = 4;
interface Prepared {
  witness: WitnessCalculator;
  zkey: Uint8Array;
}
const prepared = new Map<string, Promise<Prepared>>();

function fileKey(path: string): string {
  const s = statSync(path);
  return `${path}\0${s.size}\0${s.mtimeMs}`;
}

function prepare(job: SnarkjsProveJob): Promise<Prepared> {
  const key = `${fileKey(job.wasmPath)}\n${fileKey(job.zkeyPath)}`;
  let p = prepared.get(key);
  if (p) {
    prepared.delete(key); // re-inserted below: most recently used last
  } else {
    p = (async () => ({ witness: await WitnessCalculatorBuilder(readFileSync(job.wasmPath)), zkey: new Uint8Array(readFileSync(job.zkeyPath)) }))();
    p.catch(() => prepared.delete(key));
  }
  prepared.set(key, p);
  while (prepared.size > CACHED_PROGRAMS) prepared.delete(prepared.keys().next().value!);
  return p;
}

async function prove(job: SnarkjsProveJob): Promise<{ proof: unknown; publicSignals: unknown[] }> {
  const { witness, zkey } = await prepare(job);
  // circom 1 circuits write their witness another way; snarkjs' own path handles them.
  if (witness.circom_version() === 1) return snarkjs[job.system].fullProve(job.input, job.wasmPath, job.zkeyPath);
  const wtns = await witness.calculateWTNSBin(ffjavascript.utils.unstringifyBigInts(job.input), false);
  return snarkjs[job.system].prove(zkey, wtns);
}

// One proof per worker thread at a time (serveJobs runs them in turn, and a cached witness calculator holds one
// witness at a time): the pool is the parallelism, not snarkjs' own threads.
serveJobs<SnarkjsProveJob, ProveOutput>(async (job) => {
  const started = performance.now();
  await useSingleThreadedCurve();
  const { proof, publicSignals } = await prove(job);
  return { proof, publicSignals: publicSignals.map(String), ms: performance.now() - started };
});
