/**
 * A job provider's stake, by the stake rules of requests (src/domain/kernel/transitions.ts): a job asking
 * `min_stake` locks that much of its provider's stake when it is matched (by hand or by the market), after the
 * same checks (the market's minimum stake to bid, overcommit protection). The lock backs delivery in time:
 *
 * - results come in (a success or a failed run): released, the provider answered within the job's timeout;
 * - the requester cancels a matched job whose timeout passed with no result: slashed (`slashBps` of the lock,
 *   `slashBurnBps` of that burned, the rest to the requester), or only released once past the slash window;
 * - redundancy (`redundant:N`): the providers outvoted by the majority's hashes are slashed, the others released.
 *
 * A provider's stake is the prover stake of the same id: it registers as a prover under its address and stakes.
 */
import { conflict } from '../errors.ts';
import { plan as ledgerPlan, type EconomicsConfig, type Movement } from '../ledger.ts';
import { stakeProblem } from '../kernel/transitions.ts';
import type { StakeLock } from '../request.ts';
import type { JobRecord } from './job.ts';

export type JobStakeStep =
  | { kind: 'lock'; provider: string; amount: bigint; movement: Movement }
  | { kind: 'release'; lock: StakeLock; movement: Movement }
  | { kind: 'slash'; lock: StakeLock; movement: Movement; amount: bigint; to_requester: bigint; burned: bigint };

/** What matching needs to know of the provider's stake: its free and locked stake now, and the market's rules. */
export interface StakeContext {
  stake: { free: bigint; locked: bigint };
  economics: EconomicsConfig;
}

/** Whether a provider with this stake may take the job (the reason when not). */
export function jobStakeProblem(job: Pick<JobRecord, 'min_stake'>, s: StakeContext): 'stake_below_minimum' | 'stake_insufficient' | null {
  return stakeProblem(s.stake, job.min_stake, s.economics);
}

/** The lock a match takes (null when the job asks no stake); 409 when the provider's stake cannot back it. */
export function lockFor(job: JobRecord, provider: string, s: StakeContext): JobStakeStep | null {
  const problem = jobStakeProblem(job, s);
  if (problem) throw conflict(problem, `provider ${provider} has not enough free stake to take job ${job.job_id} (it asks ${job.min_stake} wei; stake for it with proofmarket register --id ${provider} and proofmarket stake)`);
  if (job.min_stake === 0n) return null;
  return { kind: 'lock', provider, amount: job.min_stake, movement: { ...ledgerPlan.lock(job.job_id, provider, job.min_stake), cause_type: 'job' } };
}

export function release(lock: StakeLock | null): JobStakeStep[] {
  return lock ? [{ kind: 'release', lock, movement: { ...ledgerPlan.unlock(lock.task_id, lock.prover_id, lock.amount, lock.lock_id), cause_type: 'job' } }] : [];
}

/** The lock of a provider at fault: slashed once, if `now` is within the slash window after `dueAt`; else released. */
export function slashOrRelease(job: JobRecord, lock: StakeLock | null, dueAt: Date, e: EconomicsConfig, now: Date): JobStakeStep[] {
  if (!lock) return [];
  const late = now.getTime() - dueAt.getTime();
  if (late < 0 || late > e.slashWindowMs) return release(lock);
  const { slashed, burned, toRequester, ...movement } = ledgerPlan.slash({ lockId: lock.lock_id, taskId: job.job_id, proverId: lock.prover_id, requester: job.requester, locked: lock.amount, slashBps: e.slashBps, burnBps: e.slashBurnBps });
  return [{ kind: 'slash', lock, movement: { ...movement, cause_type: 'job' }, amount: slashed, to_requester: toRequester, burned }];
}
