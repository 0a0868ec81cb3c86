import { requireProvider, started } from '../../domain/jobs/transitions.ts';
import { conflict } from '../../domain/errors.ts';
import { isRedundant } from '../../domain/jobs/job.ts';
import { requireRun } from '../../domain/jobs/runs.ts';
import { jobRuns, startRun } from '../../store/job-runs.ts';
import type { JobRecord } from '../../domain/jobs/job.ts';
import { applyJob, jobActor, withJob, type JobDeps } from './job-support.ts';
import type { Caller } from './deps.ts';

export type StartJobReturnType = JobRecord;
export type StartJobErrorCode = 'invalid_job_id' | 'job_not_found' | 'not_job_provider' | 'job_wrong_status' | 'signer_mismatch' | 'signature_missing';

/** The matched provider's agent says it started the container: MATCHED → RUNNING. */
export async function startJob(deps: JobDeps, jobId: string, input: { providerAddr?: string }, caller: Caller): Promise<StartJobReturnType> {
  return withJob(deps, jobId, async (q, job) => {
    const actor = jobActor(deps, caller, input.providerAddr, 'providerAddr');
    if (isRedundant(job)) {
      // one run of a redundant job started: the run's record only (the job stays MATCHED until its verdict)
      const run = requireRun(job, await jobRuns(q, job.job_id), actor, 'start it');
      if (run.status !== 'MATCHED' || !(await startRun(q, job.job_id, run.provider))) throw conflict('job_wrong_status', `${run.provider}'s run of job ${job.job_id} is ${run.status}: it cannot be started`);
      return job;
    }
    requireProvider(job, actor, 'start it');
    return applyJob(q, started(job, deps.clock.now()));
  });
}
