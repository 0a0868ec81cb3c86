import type { TaskStatus, TransitionCause } from './task.ts';

/**
 * A request as the market keeps it (the seed API calls it a task): what was asked, its terms, and where it
 * stands. One row of `tasks`; the kernel (src/domain/kernel) plans every change to it.
 */
export interface RequestRecord {
  task_id: string;
  privacy_level: number;
  circuit_data: Uint8Array;
  reward_amount: bigint;
  requester: string;
  priority: number;
  program_id: string;
  expected_public_signals: string[];
  status: TaskStatus;
  assigned_prover: string | null;
  assigned_at: Date | null;
  attempts: number;
  excluded_provers: string[];
  deadline: Date;
  request_hash: string;
  created_at: Date;
  updated_at: Date;
  /** Market terms (seed tasks: `fixed` at max_price = reward_amount, on their program's system). */
  backend: string;
  mechanism: string;
  max_price: bigint;
  min_reputation: number;
  allow_list: string[] | null;
  /** The rest of the terms as sent: the auction spec, the re-auction policy, the subscription. */
  terms: Record<string, unknown> | null;
  /** The clearing price once won. */
  price: bigint | null;
  /** False while a won request waits for its winner's next poll. */
  handed_out: boolean;
  round: number;
  /** Stake the winner must have free, locked while it holds the request (0: none). */
  min_stake: bigint;
}

/** The columns a transition may change besides the status. */
export interface RequestChanges {
  assigned_prover?: string | null;
  assigned_at?: Date | null;
  attempts?: number;
  excluded_provers?: string[];
  price?: bigint | null;
  handed_out?: boolean;
  round?: number;
  max_price?: bigint;
  min_reputation?: number;
}

/** One entry of a request's history (an outbox event about it). */
export interface RequestEvent {
  at: Date;
  from_status: TaskStatus | null;
  to_status: TaskStatus;
  cause: TransitionCause;
  prover_id: string | null;
  detail: Record<string, unknown> | null;
}

/** A proof as submitted, with the verifier's verdict. */
export interface ProofRecord {
  task_id: string;
  prover_id: string;
  submitted_at: Date;
  proof: Uint8Array;
  verification_result: 'Pass' | 'Fail';
  reason: string | null;
  quality_score: number;
  verify_ms: number;
}

/** What one settled (or missed) attempt says about its prover: the input of the reputation formula. */
export interface ReputationObservation {
  prover_id: string;
  task_id: string;
  at: Date;
  success: boolean;
  quality: number;
  expected_ms: number;
  actual_ms: number;
  cause: string;
}

/** A prover's stake locked behind one assignment (a row of `stake_locks`). */
export interface StakeLock {
  lock_id: string;
  task_id: string;
  prover_id: string;
  amount: bigint;
  locked_at: Date;
  state: 'locked' | 'released' | 'slashed';
}

/** A subscription's terms and what is left of its fee, as a proof under it is settled. */
export interface SubscriptionShare {
  subscription_id: string;
  prover_id: string;
  fee: bigint;
  quota: number | null;
  /** What the subscription's escrow still holds. */
  escrow_left: bigint;
}
