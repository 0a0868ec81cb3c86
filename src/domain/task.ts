import { conflict } from './errors.ts';

/**
 * The life of a task. Every change of status goes through `transition`, which refuses the moves the
 * lifecycle does not allow, so the store can never hold a task that jumped from `completed` back to work.
 *
 *   pending ──assign──▶ assigned ──start──▶ in_progress ──verified──▶ completed
 *      ▲                   │                    │
 *      └──timeout/offline──┴──── failed proof ──┘ (or `failed`, after max attempts or at the deadline)
 */
export const TASK_STATUSES = ['pending', 'assigned', 'in_progress', 'completed', 'failed'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Why a task moved; kept in its history. */
export type TransitionCause =
  | 'submitted'
  | 'assigned'
  | 'started'
  | 'proof_verified'
  | 'proof_rejected'
  | 'max_attempts'
  | 'proof_timeout'
  | 'prover_offline'
  | 'prover_released'
  | 'deadline'
  | 'auction_won' // a prover won the request's auction (or took a fixed one through the auction API)
  | 'subscription' // assigned to the prover of the requester's subscription
  | 'lock_lapsed' // rising: the winner's lock ran out before it delivered
  | 'no_winner' // an auction round ended without a winner and the request may not be re-auctioned
  | 'cancelled'; // the requester cancelled it while it was pending (refunded in full)

const ALLOWED: Record<TaskStatus, readonly TaskStatus[]> = {
  pending: ['assigned', 'failed'],
  assigned: ['in_progress', 'pending', 'completed', 'failed'],
  in_progress: ['pending', 'completed', 'failed'],
  completed: [],
  failed: [],
};

export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return ALLOWED[from].includes(to);
}

export function assertTransition(from: TaskStatus, to: TaskStatus): void {
  if (!canTransition(from, to)) {
    throw conflict('invalid_transition', `a task cannot go from ${from} to ${to}`);
  }
}

export function isTerminal(status: TaskStatus): boolean {
  return status === 'completed' || status === 'failed';
}

/** A task is held by a prover while assigned or in progress. */
export function isHeld(status: TaskStatus): boolean {
  return status === 'assigned' || status === 'in_progress';
}

/**
 * What happens to a task after a proof failed verification: it goes back to the market unless it has
 * used up its attempts.
 */
export function statusAfterRejectedProof(attemptsSoFar: number, maxAttempts: number): 'pending' | 'failed' {
  return attemptsSoFar >= maxAttempts ? 'failed' : 'pending';
}

/**
 * The quality score of a proof, returned by `POST /tasks/result`.
 *
 *   Fail → 0
 *   Pass → 0.5 + 0.5 × (1 − min(1, t / proofTimeout)), rounded to 3 decimals
 *
 * where t is the time from assignment to the result. Every verified proof scores at least 0.5 (it is
 * correct); the other half rewards speed against the time the market allows, so a proof delivered in 10%
 * of the timeout scores 0.95.
 */
export function qualityScore(verified: boolean, elapsedMs: number, proofTimeoutMs: number): number {
  if (!verified) return 0;
  const used = Math.min(1, Math.max(0, elapsedMs) / Math.max(1, proofTimeoutMs));
  return Math.round((0.5 + 0.5 * (1 - used)) * 1000) / 1000;
}

/** Timing rules for the sweep that returns stuck work to the market. */
export interface LifecycleTimeouts {
  heartbeatTimeoutMs: number;
  proofTimeoutMs: number;
}

export function isProverSilent(lastHeartbeat: Date, now: Date, t: LifecycleTimeouts): boolean {
  return now.getTime() - lastHeartbeat.getTime() > t.heartbeatTimeoutMs;
}

/** A held task whose prover has had it longer than the proof timeout goes back to pending. */
export function isProofOverdue(assignedAt: Date, now: Date, t: LifecycleTimeouts): boolean {
  return now.getTime() - assignedAt.getTime() > t.proofTimeoutMs;
}
