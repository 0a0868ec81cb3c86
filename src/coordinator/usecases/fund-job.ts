import { funded, requireRequester } from '../../domain/jobs/transitions.ts';
import { escrowFor, type JobRecord } from '../../domain/jobs/job.ts';
import { openGrant } from './support.ts';
import { applyJob, jobActor, withJob, type JobDeps } from './job-support.ts';
import type { Caller } from './deps.ts';

export interface FundJobParameters {
  /** The seed's API sends `txHash`, its CLI `tx`; either names the deposit (recorded; checked on a chain). */
  txHash?: string;
  tx?: string;
}
export type FundJobReturnType = JobRecord;
export type FundJobErrorCode = 'invalid_job_id' | 'job_not_found' | 'not_job_requester' | 'job_wrong_status' | 'insufficient_funds' | 'funding_rejected' | 'signature_missing';

/**
 * The requester funds a CREATED job: its price moves from the requester's balance into the job's escrow (402
 * insufficient_funds when short; an unsigned requester on an open coordinator is topped up by the faucet, as
 * seed clients know nothing of deposits). On a chain the FundingCheck verifies the transaction first.
 */
export async function fundJob(deps: JobDeps, jobId: string, input: FundJobParameters, caller: Caller): Promise<FundJobReturnType> {
  const tx = (input.txHash ?? input.tx)?.toLowerCase() ?? null;
  return withJob(deps, jobId, async (q, job) => {
    requireRequester(job, jobActor(deps, caller, undefined, 'requester'), 'fund');
    await deps.jobs.funding.verify(job, tx);
    const faucet = await openGrant(q, caller, job.requester, escrowFor(job));
    return applyJob(q, funded(job, { tx, faucet }, deps.clock.now()));
  });
}
