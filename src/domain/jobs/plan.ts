import type { Movement } from '../ledger.ts';
import type { ReputationObservation } from '../request.ts';
import type { JobCause, JobRecord, JobResult, JobStatus } from './job.ts';
import type { JobStakeStep } from './stake.ts';

/**
 * Everything one move of a container job does, decided before anything is written: the job's row as it will
 * be, the ledger movements (escrow on funding, payment on acceptance, refund on cancel, failure or expiry) and
 * the outbox event `job.<cause>`. The job's transitions (src/domain/jobs/transitions.ts) compute it from the
 * rows read and the clock; `applyPlan` (src/store/plans.ts) writes all of it in the caller's transaction, or
 * nothing: the move applies only if the row still has the status and provider it was planned from.
 */
export interface JobPlan {
  work: 'job';
  /** The job as read. For `insert`, the new row. */
  job: JobRecord;
  next: JobRecord;
  op: 'insert' | 'move';
  cause: JobCause;
  ledger: Movement[];
  /** The provider's reputation observation: a success when its results are accepted, a failure when it failed. */
  observation: ReputationObservation | null;
  /** Stake locked, released or slashed by this move (src/domain/jobs/stake.ts). */
  stake: JobStakeStep[];
  /** A redundant job's run: a provider matched to it, or its results recorded (src/domain/jobs/runs.ts). */
  run: { op: 'match'; provider: string } | { op: 'submit'; provider: string; result: JobResult } | null;
  /** Further reputation observations (a redundant job's verdict observes each of its providers). */
  observations: ReputationObservation[];
  event: JobEvent;
}

/** A job's outbox row: `kind` is `job.<cause>`; the provider is the event's prover. */
export interface JobEvent {
  kind: string;
  job_id: string;
  at: Date;
  from_status: JobStatus | null;
  to_status: JobStatus;
  cause: JobCause;
  prover_id: string | null;
  detail: Record<string, unknown> | null;
}
