// Runs in a worker thread of the verifier pool: one snarkjs verification per message.
import * as snarkjs from 'snarkjs';
import { useSingleThreadedCurve } from './snark-thread.ts';
import { serveJobs } from './worker-jobs.ts';
import type { SnarkjsVerifyJob, VerifyOutcome } from './verifier.ts';

serveJobs<SnarkjsVerifyJob, VerifyOutcome>(async (job) => {
  const started = performance.now();
  try {
    await useSingleThreadedCurve();
    const ok = await snarkjs[job.system].verify(job.vkey as object, job.publicSignals, job.proof as object);
    return ok ? { pass: true, ms: performance.now() - started } : { pass: false, reason: 'the proof does not verify under the program\'s verification key', ms: performance.now() - started };
  } catch (err) {
    // snarkjs throws (rather than returning false) on proofs it cannot parse: that is a Fail, not a crash.
    return { pass: false, reason: `the proof is malformed: ${(err as Error).message ?? String(err)}`.slice(0, 300), ms: performance.now() - started };
  }
});
