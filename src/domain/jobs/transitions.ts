/**
 * The job kernel: each move of a container job as a pure function from the rows it needs (the job, what its
 * escrow holds) and the clock to a JobPlan. Who may make a move is checked here too, from the actor the use
 * case established (the signer, or under `serve --open` whoever the unsigned call names); `undefined` is an
 * unsigned call on an open coordinator that named nobody, which the seed's clients are.
 */
import { forbidden, conflict } from '../errors.ts';
import { plan as ledger, type Movement } from '../ledger.ts';
import { assertJobMove, escrowFor, failureOf, jobDeadline, type JobCause, type JobRecord, type JobResult, type JobStatus } from './job.ts';
import type { JobPlan } from './plan.ts';
import type { StakeLock } from '../request.ts';
import { lockFor, release, slashOrRelease, type JobStakeStep, type StakeContext } from './stake.ts';
import type { EconomicsConfig } from '../ledger.ts';

export interface MoveParts {
  to: JobStatus;
  /**
   * The caller checked the move itself (a redundant job: a further run matched or submitted keeps MATCHED, and
   * the majority's verdict accepts it from MATCHED); still an event.
   */
  checked?: boolean;
  run?: JobPlan['run'];
  observations?: JobPlan['observations'];
  cause: JobCause;
  what: string;
  changes?: Partial<JobRecord>;
  ledger?: Movement[];
  observation?: JobPlan['observation'];
  stake?: JobStakeStep[];
  detail?: Record<string, unknown> | null;
}

export function move(job: JobRecord, now: Date, p: MoveParts): JobPlan {
  if (!p.checked) assertJobMove(job.job_id, job.status, p.to, p.what);
  const next: JobRecord = { ...job, ...p.changes, status: p.to, updated_at: now };
  return {
    work: 'job',
    job,
    next,
    op: 'move',
    cause: p.cause,
    ledger: p.ledger ?? [],
    observation: p.observation ?? null,
    stake: p.stake ?? [],
    run: p.run ?? null,
    observations: p.observations ?? [],
    event: { kind: `job.${p.cause}`, job_id: job.job_id, at: now, from_status: job.status, to_status: p.to, cause: p.cause, prover_id: next.provider, detail: p.detail ?? null },
  };
}

/** The requester only (an anonymous open call passes: the seed's clients name nobody). */
export function requireRequester(job: JobRecord, actor: string | undefined, what: string): void {
  if (actor !== undefined && actor !== job.requester) throw forbidden('not_job_requester', `only the requester of job ${job.job_id} (${job.requester}) may ${what} it, not ${actor}`);
}

/** The matched provider only. */
export function requireProvider(job: JobRecord, actor: string | undefined, what: string): void {
  if (job.provider === null) throw conflict('job_wrong_status', `job ${job.job_id} is ${job.status}: no provider is matched to it, so nobody may ${what}`);
  if (actor !== undefined && actor !== job.provider) throw forbidden('not_job_provider', `only the provider matched to job ${job.job_id} (${job.provider}) may ${what}, not ${actor}`);
}

/** A new job, CREATED: nothing is paid yet. */
export function created(job: JobRecord, now: Date): JobPlan {
  const next: JobRecord = { ...job, status: 'CREATED', created_at: now, updated_at: now };
  return {
    work: 'job',
    job: next,
    next,
    op: 'insert',
    cause: 'created',
    ledger: [],
    observation: null,
    stake: [],
    run: null,
    observations: [],
    event: { kind: 'job.created', job_id: job.job_id, at: now, from_status: null, to_status: 'CREATED', cause: 'created', prover_id: null, detail: { image: job.spec.image, priceWei: job.price.toString() } },
  };
}

/**
 * Funded: the price moves from the requester's balance into the job's escrow (402 insufficient_funds when the
 * balance is short, raised by the store). `faucet`: an open coordinator's grant for an unsigned requester that
 * is short, credited first. `tx` is recorded; on a chain it was checked before this plan (FundingCheck).
 */
export function funded(job: JobRecord, s: { tx: string | null; faucet: Movement | null }, now: Date): JobPlan {
  return move(job, now, {
    to: 'FUNDED',
    cause: 'funded',
    what: 'funded',
    changes: { fund_tx: s.tx, funded_at: now },
    ledger: [...(s.faucet ? [s.faucet] : []), ledger.jobEscrow(job.job_id, job.requester, escrowFor(job))],
    detail: s.tx ? { tx: s.tx } : null,
  });
}

/**
 * Matched to a provider: by hand (the seed's `POST /match`) or by the market's auction (`auto_matched`). With
 * `stake` (the use cases always pass it) the provider's stake is checked and the job's `min_stake` locked.
 */
export function matched(job: JobRecord, provider: string, now: Date, cause: 'matched' | 'auto_matched' = 'matched', detail: Record<string, unknown> | null = null, stake?: StakeContext): JobPlan {
  assertJobMove(job.job_id, job.status, 'MATCHED', 'matched');
  const lock = stake ? lockFor(job, provider, stake) : null;
  return move(job, now, { to: 'MATCHED', cause, what: 'matched', changes: { provider, assigned_at: now }, stake: lock ? [lock] : [], detail: lock?.kind === 'lock' ? { ...detail, stakeLockedWei: lock.amount.toString() } : detail });
}

/** The provider's agent started the container. */
export function started(job: JobRecord, now: Date): JobPlan {
  return move(job, now, { to: 'RUNNING', cause: 'started', what: 'started' });
}

/**
 * The provider's results. A run that failed (a failure reason, or a non-zero exit code) ends the job FAILED
 * and refunds the requester in full; a successful one waits for the requester's acceptance (hash-only).
 */
export function resultsSubmitted(job: JobRecord, result: JobResult, escrowed: bigint, now: Date, lock: StakeLock | null = null): JobPlan {
  const failure = failureOf(result);
  const stake = release(lock); // answered within its timeout: the lock did its work, a failed run included
  if (failure !== null) {
    return move(job, now, {
      to: 'FAILED',
      cause: 'failed',
      what: 'given results',
      changes: { result, failure },
      ledger: escrowed > 0n ? [ledger.jobRefund(job.job_id, job.requester, escrowed)] : [],
      observation: observed(job, result, false, now),
      stake,
      detail: { failure, exitCode: result.exitCode, refundedWei: escrowed.toString() },
    });
  }
  return move(job, now, { to: 'RESULT_SUBMITTED', cause: 'results_submitted', what: 'given results', changes: { result }, stake, detail: { artifacts: result.artifacts.length, exitCode: result.exitCode } });
}

/**
 * The requester accepts the results: the escrow pays the provider the job's price less the protocol fee.
 * `named`: the provider the seed's accept body names, which must be the matched one.
 */
export function accepted(job: JobRecord, named: string | undefined, s: { escrowed: bigint; feeBps: number }, now: Date): JobPlan {
  if (named !== undefined && job.provider !== null && named !== job.provider) {
    throw forbidden('not_job_provider', `job ${job.job_id} was run by ${job.provider}, not ${named}: accept names the matched provider`);
  }
  const pay = job.provider === null || s.escrowed === 0n ? [] : [ledger.jobSettle({ jobId: job.job_id, requester: job.requester, provider: job.provider, escrowed: s.escrowed, price: s.escrowed < job.price ? s.escrowed : job.price, feeBps: s.feeBps })];
  const observation = job.result ? observed(job, job.result, true, now) : null;
  return move(job, now, { to: 'ACCEPTED', cause: 'accepted', what: 'accepted', ledger: pay, observation, detail: { paidWei: (pay.length ? job.price : 0n).toString() } });
}

/** The provider's reputation observation for a run: expected its timeout, took its runtime. */
function observed(job: JobRecord, r: JobResult, success: boolean, now: Date): JobPlan['observation'] {
  if (job.provider === null) return null;
  return { prover_id: job.provider, task_id: job.job_id, at: now, success, quality: success ? 1 : 0, expected_ms: job.spec.timeoutSec * 1000, actual_ms: r.runtimeSec * 1000, cause: success ? 'job_accepted' : 'job_failed' };
}

/**
 * The requester cancels: any time before a provider is matched; once matched, only after the job's timeout
 * has passed without a result (the provider is given the time the job asked for); never after results.
 */
export function cancelled(job: JobRecord, escrowed: bigint, now: Date, missed?: { locks: readonly StakeLock[]; answered?: readonly StakeLock[]; economics: EconomicsConfig }): JobPlan {
  let stake: JobStakeStep[] = [];
  let observation: JobPlan['observation'] = null;
  if (job.status === 'MATCHED' || job.status === 'RUNNING') {
    const deadline = jobDeadline(job)!;
    if (now < deadline) throw conflict('job_not_cancellable', `job ${job.job_id} is ${job.status} with ${job.provider}: it may be cancelled once its timeout passes without a result, at ${deadline.toISOString()}`);
    // the provider missed the job's timeout: a failure on its record, and its lock slashed as a missed deadline
    if (missed) stake = [...missed.locks.flatMap((l) => slashOrRelease(job, l, deadline, missed.economics, now)), ...(missed.answered ?? []).flatMap((l) => release(l))];
    const ms = now.getTime() - (job.assigned_at ?? now).getTime();
    if (job.provider !== null) observation = { prover_id: job.provider, task_id: job.job_id, at: now, success: false, quality: 0, expected_ms: job.spec.timeoutSec * 1000, actual_ms: ms, cause: 'job_missed' };
  } else if (job.status !== 'CREATED' && job.status !== 'FUNDED') {
    throw conflict('job_not_cancellable', `job ${job.job_id} is ${job.status}: only a job without results may be cancelled`);
  }
  const slashed = stake.filter((s) => s.kind === 'slash');
  return move(job, now, {
    to: 'CANCELED',
    cause: 'canceled',
    what: 'cancelled',
    ledger: escrowed > 0n ? [ledger.jobRefund(job.job_id, job.requester, escrowed)] : [],
    observation,
    stake,
    detail: { refundedWei: escrowed.toString(), ...(slashed.length ? { slashedWei: sum(slashed, 'amount'), toRequesterWei: sum(slashed, 'to_requester') } : {}) },
  });
}

const sum = (steps: JobStakeStep[], key: 'amount' | 'to_requester') => steps.reduce((t, x) => t + (x.kind === 'slash' ? x[key] : 0n), 0n).toString();

/** A funded job nobody took before its timeout: refunded in full (the sweep). */
export function expired(job: JobRecord, escrowed: bigint, now: Date): JobPlan {
  const deadline = jobDeadline(job);
  if (job.status !== 'FUNDED' || deadline === null || now < deadline) throw conflict('job_wrong_status', `job ${job.job_id} is ${job.status}${deadline ? ` until ${deadline.toISOString()}` : ''}: it has not expired`);
  return move(job, now, { to: 'EXPIRED', cause: 'expired', what: 'expired', ledger: escrowed > 0n ? [ledger.jobRefund(job.job_id, job.requester, escrowed)] : [], detail: { refundedWei: escrowed.toString() } });
}
