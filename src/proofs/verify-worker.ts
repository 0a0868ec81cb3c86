// Runs in a worker thread of the verifier pool: one snarkjs verification, or one batch of Groth16 proofs of one
// key (mcl once the key has passed its self-check against snarkjs, see groth16-fast/gate.ts), per message.
import * as snarkjs from 'snarkjs';
import { useSingleThreadedCurve } from './snark-thread.ts';
import { serveJobs } from './worker-jobs.ts';
import { Groth16Gates, NOT_VALID, type ItemVerdict } from './groth16-fast/gate.ts';
import type { SnarkjsVerifyJob, VerifyOutcome, VerifyWorkerJob } from './verifier.ts';

async function snarkjsVerdict(job: SnarkjsVerifyJob): Promise<ItemVerdict> {
  try {
    await useSingleThreadedCurve();
    const ok = await snarkjs[job.system].verify(job.vkey as object, job.publicSignals, job.proof as object);
    return ok ? { pass: true } : { pass: false, reason: NOT_VALID };
  } catch (err) {
    // snarkjs throws (rather than returning false) on proofs it cannot parse: that is a Fail, not a crash.
    return { pass: false, reason: `the proof is malformed: ${(err as Error).message ?? String(err)}`.slice(0, 300) };
  }
}

const gates = new Groth16Gates((vkey, item) => snarkjsVerdict({ system: 'groth16', vkey, ...item }));

serveJobs<VerifyWorkerJob, VerifyOutcome | VerifyOutcome[]>(async (job) => {
  const started = performance.now();
  if (job.kind === 'groth16-batch') {
    const verdicts = await gates.verify(job.vkey, job.items);
    // each proof is charged an equal share of the batch's time
    const ms = (performance.now() - started) / Math.max(1, verdicts.length);
    return verdicts.map((v) => ({ ...v, ms }));
  }
  return { ...(await snarkjsVerdict(job)), ms: performance.now() - started };
});
