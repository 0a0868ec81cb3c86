import { requireProvider, resultsSubmitted } from '../../domain/jobs/transitions.ts';
import type { JobArtifact, JobFailure, JobRecord } from '../../domain/jobs/job.ts';
import { applyJob, jobActor, jobEscrowOf, withJob, type JobDeps } from './job-support.ts';
import { openJobLock, openJobLocks } from '../../store/job-stake.ts';
import { isRedundant } from '../../domain/jobs/job.ts';
import { requireRun, runSubmitted } from '../../domain/jobs/runs.ts';
import { jobRuns } from '../../store/job-runs.ts';
import type { Caller } from './deps.ts';

/** `POST /results`, after schema validation: the seed's body, and `failure` for a container that failed. */
export interface SubmitJobResultsParameters {
  jobId: string;
  artifacts: JobArtifact[];
  stdoutTail?: string;
  stderrTail?: string;
  runtimeSec: number;
  exitCode: number;
  failure?: JobFailure;
  reason?: string;
  /** Unsigned calls (--open) only: who sends them (a signed call: the signer). */
  providerAddr?: string;
}
export type SubmitJobResultsReturnType = JobRecord;
export type SubmitJobResultsErrorCode = 'invalid_job_id' | 'job_not_found' | 'not_job_provider' | 'job_wrong_status' | 'signer_mismatch' | 'signature_missing';

/**
 * The matched provider's results, from MATCHED or RUNNING: RESULT_SUBMITTED for the requester to accept, or
 * FAILED (a failure reason or a non-zero exit code), which refunds the requester.
 */
export async function submitJobResults(deps: JobDeps, input: SubmitJobResultsParameters, caller: Caller): Promise<SubmitJobResultsReturnType> {
  return withJob(deps, input.jobId, async (q, job) => {
    const actor = jobActor(deps, caller, input.providerAddr, 'providerAddr');
    const runs = isRedundant(job) ? await jobRuns(q, job.job_id) : null;
    if (runs) requireRun(job, runs, actor, 'submit its results');
    else requireProvider(job, actor, 'submit its results');
    const result = {
      artifacts: input.artifacts,
      stdoutTail: input.stdoutTail ?? '',
      stderrTail: input.stderrTail ?? '',
      runtimeSec: input.runtimeSec,
      exitCode: input.exitCode,
      ...(input.failure ? { failure: input.failure } : {}),
      ...(input.reason ? { reason: input.reason } : {}),
    };
    if (runs) {
      const settlement = { escrowed: await jobEscrowOf(q, job.job_id), locks: await openJobLocks(q, job.job_id), economics: deps.config.economics };
      return applyJob(q, runSubmitted(job, runs, actor!, result, settlement, deps.clock.now()));
    }
    const lock = await openJobLock(q, job.job_id, job.provider!);
    return applyJob(q, resultsSubmitted(job, result, await jobEscrowOf(q, job.job_id), deps.clock.now(), lock));
  });
}
