/**
 * Verification by redundancy through the job kernel (`verifier: "redundant:N"`): the job runs on N distinct
 * providers, each a run. The job is MATCHED from its first run on; each further run matched, and each run's
 * results, is a move that keeps the status (an event all the same). When the runs in say who is right
 * (redundancy.ts), the job settles by itself:
 *
 * - decided: ACCEPTED; each provider of the majority is paid the price less the fee, the rest of the N × price
 *   escrow goes back to the requester; the majority's locks are released, the dissenters' slashed (stake.ts), a
 *   success on each majority provider's record and a failure on each dissenter's; runs still out are released;
 * - no majority possible: FAILED, refunded in full, every lock released, nobody observed;
 * - pending: nothing moves but the run's record.
 */
import { conflict, forbidden } from '../errors.ts';
import { plan as ledger } from '../ledger.ts';
import type { ReputationObservation, StakeLock } from '../request.ts';
import { failureOf, runsWanted, type JobRecord, type JobResult } from './job.ts';
import type { JobPlan } from './plan.ts';
import { redundancyVerdict, redundantSettlement, type RedundantRun } from './redundancy.ts';
import { lockFor, release, slashOrRelease, type StakeContext } from './stake.ts';
import { move } from './transitions.ts';

export interface JobRun {
  provider: string;
  status: 'MATCHED' | 'RUNNING' | 'SUBMITTED';
  result: JobResult | null;
}

/** One more provider for a redundant job: FUNDED → MATCHED for the first, MATCHED stays for the next ones. */
export function runMatched(job: JobRecord, runs: readonly JobRun[], provider: string, now: Date, cause: 'matched' | 'auto_matched', detail: Record<string, unknown> | null, stake: StakeContext): JobPlan {
  const n = runsWanted(job);
  if (job.status !== 'FUNDED' && job.status !== 'MATCHED') throw conflict('job_wrong_status', `job ${job.job_id} is ${job.status}: it cannot be matched (that needs FUNDED, or MATCHED with runs still wanted)`);
  if (runs.some((r) => r.provider === provider)) throw conflict('job_wrong_status', `job ${job.job_id} runs on ${provider} already: redundant:${n} wants ${n} distinct providers`);
  if (runs.length >= n) throw conflict('job_wrong_status', `job ${job.job_id} has its ${n} providers already`);
  const lock = lockFor(job, provider, stake);
  return move(job, now, {
    to: 'MATCHED',
    checked: true,
    cause,
    what: 'matched',
    changes: job.status === 'FUNDED' ? { assigned_at: now } : {},
    stake: lock ? [lock] : [],
    run: { op: 'match', provider },
    detail: { ...detail, provider, run: runs.length + 1, of: n, ...(lock?.kind === 'lock' ? { stakeLockedWei: lock.amount.toString() } : {}) },
  });
}

/** The run's provider only, and only once. */
export function requireRun(job: JobRecord, runs: readonly JobRun[], actor: string | undefined, what: string): JobRun {
  if (actor === undefined) throw forbidden('not_job_provider', `job ${job.job_id} runs on several providers: an unsigned call names its providerAddr to ${what}`);
  const run = runs.find((r) => r.provider === actor);
  if (!run) throw forbidden('not_job_provider', `${actor} has no run of job ${job.job_id}; its providers are ${runs.map((r) => r.provider).join(', ') || 'none yet'}`);
  if (run.status === 'SUBMITTED' || job.status !== 'MATCHED') throw conflict('job_wrong_status', `job ${job.job_id} is ${job.status} and ${actor}'s run is ${run.status}: it cannot ${what}`);
  return run;
}

/** What settles a redundant job: its escrow, the open locks of its runs, the fee. */
export interface RunSettlement {
  escrowed: bigint;
  locks: readonly StakeLock[];
  economics: StakeContext['economics'];
}

/** A run's results: recorded, then the verdict over every run in decides whether the job settles now. */
export function runSubmitted(job: JobRecord, runs: readonly JobRun[], provider: string, result: JobResult, s: RunSettlement, now: Date): JobPlan {
  const n = runsWanted(job);
  const done: RedundantRun[] = [...runs.filter((r) => r.status === 'SUBMITTED' && r.result).map((r) => ({ provider: r.provider, result: r.result! })), { provider, result }];
  const verdict = redundancyVerdict(done, n);
  const run = { op: 'submit' as const, provider, result };
  if (verdict.kind === 'pending') {
    return move(job, now, { to: 'MATCHED', checked: true, cause: 'run_submitted', what: 'given results', run, detail: { provider, exitCode: result.exitCode, failure: failureOf(result), runsIn: done.length, of: n } });
  }
  if (verdict.kind === 'no_majority') {
    return move(job, now, {
      to: 'FAILED',
      checked: true,
      cause: 'failed',
      what: 'given results',
      changes: { result, failure: 'error' },
      ledger: s.escrowed > 0n ? [ledger.jobRefund(job.job_id, job.requester, s.escrowed)] : [],
      stake: s.locks.flatMap((l) => release(l)),
      run,
      detail: { verdict: 'no_majority', runsIn: done.length, of: n, refundedWei: s.escrowed.toString() },
    });
  }
  const majorityResult = done.find((r) => r.provider === verdict.majority[0])!.result;
  const observe = (p: string, success: boolean): ReputationObservation => {
    const r = done.find((d) => d.provider === p)!.result;
    return { prover_id: p, task_id: job.job_id, at: now, success, quality: success ? 1 : 0, expected_ms: job.spec.timeoutSec * 1000, actual_ms: r.runtimeSec * 1000, cause: success ? 'job_accepted' : 'job_outvoted' };
  };
  const stake = s.locks.flatMap((l) => (verdict.minority.includes(l.prover_id) ? slashOrRelease(job, l, now, s.economics, now) : release(l)));
  return move(job, now, {
    to: 'ACCEPTED',
    // from MATCHED straight to ACCEPTED: the majority's hashes are the requester's acceptance
    checked: true,
    cause: 'accepted',
    what: 'accepted',
    changes: { result: majorityResult, provider: verdict.majority[0]! },
    ledger: [redundantSettlement({ jobId: job.job_id, requester: job.requester, majority: verdict.majority, escrowed: s.escrowed, price: job.price, feeBps: s.economics.protocolFeeBps })],
    stake,
    run,
    observations: [...verdict.majority.map((p) => observe(p, true)), ...verdict.minority.map((p) => observe(p, false))],
    detail: { verdict: 'majority', majority: verdict.majority, minority: verdict.minority, paidWei: (job.price * BigInt(verdict.majority.length)).toString(), slashed: stake.filter((x) => x.kind === 'slash').map((x) => x.lock.prover_id) },
  });
}
