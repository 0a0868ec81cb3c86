// Runs in a worker thread of the prover pool: one snarkjs fullProve per message (see WorkerPool's protocol).
import { parentPort } from 'node:worker_threads';
import * as snarkjs from 'snarkjs';
import { useSingleThreadedCurve } from '../proofs/snark-thread.ts';
import type { SnarkjsProveJob, ProveOutput } from './proving.ts';

parentPort!.on('message', async ({ id, job }: { id: number; job: SnarkjsProveJob }) => {
  const started = performance.now();
  try {
    // One proof per worker thread at a time: the pool is the parallelism, not snarkjs' own threads.
    await useSingleThreadedCurve();
    const { proof, publicSignals } = await snarkjs[job.system].fullProve(job.input, job.wasmPath, job.zkeyPath);
    const result: ProveOutput = { proof, publicSignals: publicSignals.map(String), ms: performance.now() - started };
    parentPort!.postMessage({ id, ok: true, result });
  } catch (err) {
    parentPort!.postMessage({ id, ok: false, error: String((err as Error)?.message ?? err).split('\n')[0]!.slice(0, 300) });
  }
});
