import type { Movement } from '../ledger.ts';
import type { ProofRecord, ReputationObservation, RequestChanges, RequestEvent, RequestRecord, StakeLock } from '../request.ts';
import type { TransitionCause } from '../task.ts';

/**
 * Everything one state change of a request does, decided before anything is written: the status move, the
 * ledger movements, what happens to the stake lock, the reputation observation, the proof row, and the event
 * to publish. A transition (src/domain/kernel/transitions.ts) computes a plan from the rows it read and the
 * clock; `applyPlan` (src/store/plans.ts) writes all of it in the caller's transaction, or nothing.
 *
 * The move is optimistic: it applies only if the request's row still holds what the plan was computed from
 * (`request`: its status, holder, assignment time, attempts and exclusions). `applyPlan` answers false, having
 * written nothing, when it does not; the caller then re-reads the row under lock and plans again.
 */
export interface Plan {
  /** The request as read. For `insert`, the new row. */
  request: RequestRecord;
  /** The request as it will be after the plan. */
  next: RequestRecord;
  /** `insert`: a new request (idempotent on its id: applying it again writes nothing). `move`: a status change. */
  op: 'insert' | 'move';
  cause: TransitionCause;
  changes: RequestChanges;
  /** Balanced ledger movements, applied in order (escrow, settlement, refund, faucet grant). */
  ledger: Movement[];
  stake: StakeStep | null;
  observation: ReputationObservation | null;
  proof: ProofRecord | null;
  event: PlannedEvent;
}

/** What happens to the stake behind the request's assignment. */
export type StakeStep =
  /** The new holder's stake is locked for this assignment. */
  | { kind: 'lock'; prover_id: string; amount: bigint; movement: Movement }
  /** The assignment ended without a missed deadline: the lock's stake is free again. */
  | { kind: 'release'; lock: StakeLock; movement: Movement }
  /** The holder missed its deadline: the lock is slashed, once (a lock already slashed is left alone). */
  | { kind: 'slash'; lock: StakeLock; movement: Movement; amount: bigint; to_requester: bigint; burned: bigint };

/** The outbox row a plan publishes: one per transition, in the same transaction (a request event, with its kind). */
export interface PlannedEvent extends RequestEvent {
  /** `request.<cause>`. */
  kind: string;
  task_id: string;
}
