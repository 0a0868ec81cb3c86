// What the job use cases share: their deps, reading a job under lock, applying its plan, who is acting.
import { conflict, forbidden, notFound } from '../../domain/errors.ts';
import { parseJobId, type JobRecord } from '../../domain/jobs/job.ts';
import type { JobPlan } from '../../domain/jobs/plan.ts';
import { accounts } from '../../domain/ledger.ts';
import type { Queryable } from '../../store/db.ts';
import { getJob } from '../../store/jobs.ts';
import { balance } from '../../store/ledger.ts';
import { applyPlan } from '../../store/plans.ts';
import type { StakeContext } from '../../domain/jobs/stake.ts';
import { stakeOf } from '../transitions.ts';
import type { JobServices } from '../jobs/seams.ts';
import type { Caller, MarketDeps } from './deps.ts';

/** The job use cases' deps: the market's database, clock, config and access rules, and the job seams. */
export type JobDeps = Pick<MarketDeps, 'db' | 'clock' | 'config' | 'access'> & { jobs: JobServices };

/** Runs `fn` in a transaction on the job read under lock; 400 invalid_job_id, 404 job_not_found. */
export async function withJob<T>(deps: Pick<JobDeps, 'db'>, jobId: string, fn: (tx: Queryable, job: JobRecord) => Promise<T>): Promise<T> {
  const id = parseJobId(jobId);
  return deps.db.transaction(async (tx) => {
    const job = await getJob(tx, id, true);
    if (!job) throw notFound('job_not_found', `no job with id ${id}`);
    return fn(tx, job);
  });
}

/** Applies a plan computed from a job read under lock: it cannot be stale, so a refusal is a conflict. */
export async function applyJob(q: Queryable, plan: JobPlan): Promise<JobRecord> {
  if (!(await applyPlan(q, plan))) throw conflict('job_wrong_status', `job ${plan.job.job_id} changed while it was being updated; read it and retry`);
  return plan.next;
}

export const jobEscrowOf = (q: Queryable, jobId: string): Promise<bigint> => balance(q, accounts.jobEscrow(jobId));

/** What matching `provider` needs to know of its stake (free, locked) and the market's stake rules. */
export async function stakeContext(q: Queryable, deps: Pick<JobDeps, 'config'>, provider: string): Promise<StakeContext> {
  return { stake: await stakeOf(q, provider), economics: deps.config.economics };
}

/**
 * Who a job call acts as: the signer (an address the call names must be the signer: 403 signer_mismatch), or,
 * unsigned (only `serve --open` takes those), the address it names, or undefined when it names none, as the
 * seed's clients do.
 */
export function jobActor(deps: Pick<JobDeps, 'access'>, caller: Caller, named: string | undefined, field: string): string | undefined {
  const address = named?.toLowerCase();
  if (caller.signer !== undefined) {
    if (address !== undefined && address !== caller.signer) throw forbidden('signer_mismatch', `${field} ${named} is not the signer ${caller.signer}; a signed call acts for its signer only`);
    return caller.signer;
  }
  deps.access.requireOpen();
  return address;
}
