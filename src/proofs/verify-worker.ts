// Runs in a worker thread of the verifier pool: one snarkjs verification per message.
import { parentPort } from 'node:worker_threads';
import * as snarkjs from 'snarkjs';
import { useSingleThreadedCurve } from './snark-thread.ts';
import type { SnarkjsVerifyJob, VerifyOutcome } from './verifier.ts';

// One verification at a time, in the order posted: the pool may post the next job before this one ends.
let line: Promise<void> = Promise.resolve();
parentPort!.on('message', (msg: { id: number; job: SnarkjsVerifyJob }) => {
  line = line.then(() => verifyOne(msg));
});

async function verifyOne({ id, job }: { id: number; job: SnarkjsVerifyJob }): Promise<void> {
  const started = performance.now();
  let outcome: VerifyOutcome;
  try {
    await useSingleThreadedCurve();
    const ok = await snarkjs[job.system].verify(job.vkey as object, job.publicSignals, job.proof as object);
    outcome = ok ? { pass: true, ms: performance.now() - started } : { pass: false, reason: 'the proof does not verify under the program\'s verification key', ms: performance.now() - started };
  } catch (err) {
    // snarkjs throws (rather than returning false) on proofs it cannot parse: that is a Fail, not a crash.
    outcome = { pass: false, reason: `the proof is malformed: ${(err as Error).message ?? String(err)}`.slice(0, 300), ms: performance.now() - started };
  }
  parentPort!.postMessage({ id, ok: true, result: outcome });
}
