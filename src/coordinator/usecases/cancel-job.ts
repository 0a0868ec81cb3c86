import { cancelled, requireRequester } from '../../domain/jobs/transitions.ts';
import type { JobRecord } from '../../domain/jobs/job.ts';
import { applyJob, jobActor, jobEscrowOf, withJob, type JobDeps } from './job-support.ts';
import { openJobLocks } from '../../store/job-stake.ts';
import { jobRuns } from '../../store/job-runs.ts';
import type { Caller } from './deps.ts';

export interface CancelJobReturnType {
  job: JobRecord;
  refunded: bigint;
}
export type CancelJobErrorCode = 'invalid_job_id' | 'job_not_found' | 'not_job_requester' | 'job_not_cancellable' | 'signature_missing';

/**
 * The requester cancels a job and gets its escrow back: before a provider is matched, or once matched after the
 * job's timeout passed without a result; never after results. A provider that missed the timeout has a failure
 * on its record and its stake lock slashed.
 */
export async function cancelJob(deps: JobDeps, jobId: string, caller: Caller): Promise<CancelJobReturnType> {
  return withJob(deps, jobId, async (q, job) => {
    requireRequester(job, jobActor(deps, caller, undefined, 'requester'), 'cancel');
    const refunded = await jobEscrowOf(q, job.job_id);
    // the providers that did not answer within the timeout are slashed; a redundant job's runs that did, released
    const answered = new Set((await jobRuns(q, job.job_id)).filter((r) => r.status === 'SUBMITTED').map((r) => r.provider));
    const locks = await openJobLocks(q, job.job_id);
    const missed = { locks: locks.filter((l) => !answered.has(l.prover_id)), answered: locks.filter((l) => answered.has(l.prover_id)), economics: deps.config.economics };
    return { job: await applyJob(q, cancelled(job, refunded, deps.clock.now(), missed)), refunded };
  });
}
