import { requireProvider, started } from '../../domain/jobs/transitions.ts';
import type { JobRecord } from '../../domain/jobs/job.ts';
import { applyJob, jobActor, withJob, type JobDeps } from './job-support.ts';
import type { Caller } from './deps.ts';

export type StartJobReturnType = JobRecord;
export type StartJobErrorCode = 'invalid_job_id' | 'job_not_found' | 'not_job_provider' | 'job_wrong_status' | 'signer_mismatch' | 'signature_missing';

/** The matched provider's agent says it started the container: MATCHED → RUNNING. */
export async function startJob(deps: JobDeps, jobId: string, input: { providerAddr?: string }, caller: Caller): Promise<StartJobReturnType> {
  return withJob(deps, jobId, async (q, job) => {
    requireProvider(job, jobActor(deps, caller, input.providerAddr, 'providerAddr'), 'start it');
    return applyJob(q, started(job, deps.clock.now()));
  });
}
