import { invalid } from '../../domain/errors.ts';
import { parseEther } from '../../domain/jobs/ether.ts';
import { newJobId, normalizeSpec, type JobRecord, type JobSpecInput } from '../../domain/jobs/job.ts';
import { created } from '../../domain/jobs/transitions.ts';
import { applyJob, jobActor, type JobDeps } from './job-support.ts';
import type { Caller } from './deps.ts';

/** `POST /jobs`, after schema validation: the seed's body, and who posts it. */
export interface CreateJobParameters extends JobSpecInput {
  /** Decimal ether, parsed exactly into wei. */
  maxPriceEth: string | number;
  /** Decimal ether: the stake each provider's run locks (default 0: none). */
  minStakeEth?: string | number;
  /** Unsigned calls (--open) only: the seed's `x-requester-addr` header, or the body's `requester`. */
  requester?: string;
}
export type CreateJobReturnType = JobRecord;
export type CreateJobErrorCode = 'invalid_ether_amount' | 'invalid_job_spec' | 'invalid_address' | 'invalid_request' | 'signer_mismatch' | 'signature_missing';

/**
 * A new container job, CREATED, with a fresh id (0x + 32 bytes). Nothing is paid until it is funded. The
 * requester is the signer, or (unsigned, --open) the address the call names, which it must.
 */
export async function createJob(deps: JobDeps, input: CreateJobParameters, caller: Caller): Promise<CreateJobReturnType> {
  if (input.requester !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(input.requester)) throw invalid('invalid_address', `x-requester-addr must be an address (0x + 40 hex digits), got "${input.requester.slice(0, 60)}"`);
  const requester = jobActor(deps, caller, input.requester, 'x-requester-addr');
  if (requester === undefined) throw invalid('invalid_request', 'an unsigned job names its requester: send the header x-requester-addr (or sign the call)');
  const price = parseEther(input.maxPriceEth, 'maxPriceEth');
  const minStake = input.minStakeEth === undefined ? 0n : parseEther(input.minStakeEth, 'minStakeEth');
  const spec = normalizeSpec(input);
  const now = deps.clock.now();
  const job: JobRecord = {
    job_id: newJobId(), requester, spec, price, min_stake: minStake, status: 'CREATED', provider: null, fund_tx: null, result: null, failure: null,
    created_at: now, updated_at: now, funded_at: null, assigned_at: null,
  };
  return deps.db.transaction((tx) => applyJob(tx, created(job, now)));
}
