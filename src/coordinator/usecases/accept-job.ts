import { accepted, requireRequester } from '../../domain/jobs/transitions.ts';
import type { JobRecord } from '../../domain/jobs/job.ts';
import { applyJob, jobActor, jobEscrowOf, withJob, type JobDeps } from './job-support.ts';
import type { Caller } from './deps.ts';

export interface AcceptJobParameters {
  /** The seed's API sends `providerAddr`, its CLI `provider`: the matched provider either way. */
  providerAddr?: string;
  provider?: string;
}
export type AcceptJobReturnType = JobRecord;
export type AcceptJobErrorCode = 'invalid_job_id' | 'job_not_found' | 'not_job_requester' | 'not_job_provider' | 'job_wrong_status' | 'signature_missing';

/** The requester accepts a job's results: the escrow pays the provider the price, less the protocol fee. */
export async function acceptJob(deps: JobDeps, jobId: string, input: AcceptJobParameters, caller: Caller): Promise<AcceptJobReturnType> {
  return withJob(deps, jobId, async (q, job) => {
    requireRequester(job, jobActor(deps, caller, undefined, 'requester'), 'accept');
    const named = (input.providerAddr ?? input.provider)?.toLowerCase();
    const escrowed = await jobEscrowOf(q, job.job_id);
    return applyJob(q, accepted(job, named, { escrowed, feeBps: deps.config.economics.protocolFeeBps }, deps.clock.now()));
  });
}
