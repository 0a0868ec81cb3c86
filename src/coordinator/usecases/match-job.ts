import { forbidden } from '../../domain/errors.ts';
import { matched } from '../../domain/jobs/transitions.ts';
import { isRedundant } from '../../domain/jobs/job.ts';
import { runMatched } from '../../domain/jobs/runs.ts';
import { jobRuns } from '../../store/job-runs.ts';
import type { JobRecord } from '../../domain/jobs/job.ts';
import { applyJob, jobActor, stakeContext, withJob, type JobDeps } from './job-support.ts';
import type { Caller } from './deps.ts';

export interface MatchJobParameters {
  jobId: string;
  providerAddr: string;
}
export type MatchJobReturnType = JobRecord;
export type MatchJobErrorCode = 'invalid_job_id' | 'job_not_found' | 'not_job_requester' | 'job_wrong_status' | 'image_not_found' | 'stake_below_minimum' | 'stake_insufficient' | 'signature_missing';

/**
 * Manual matching (the seed's `POST /match`): the requester (or the market operator) assigns a FUNDED job to a
 * provider, whose advertised images must include the job's (ImageAvailability) and whose stake must back the
 * job's `min_stake`, which is locked (src/domain/jobs/stake.ts).
 */
export async function matchJob(deps: JobDeps, input: MatchJobParameters, caller: Caller): Promise<MatchJobReturnType> {
  const provider = input.providerAddr.toLowerCase();
  return withJob(deps, input.jobId, async (q, job) => {
    const actor = jobActor(deps, caller, undefined, 'requester');
    if (actor !== undefined && actor !== job.requester && !deps.access.isOperator(caller)) {
      throw forbidden('not_job_requester', `only the requester of job ${job.job_id} (${job.requester}) or the market operator may match it, not ${actor}`);
    }
    const stake = await stakeContext(q, deps, provider);
    // redundant:N: each match adds one of the N distinct providers
    const plan = isRedundant(job) ? runMatched(job, await jobRuns(q, job.job_id), provider, deps.clock.now(), 'matched', null, stake) : matched(job, provider, deps.clock.now(), 'matched', null, stake);
    await deps.jobs.images.check(q, job.spec.image, provider);
    return applyJob(q, plan);
  });
}
