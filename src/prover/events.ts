import type { BidDecision } from './bidding.ts';
import type { TaskPhase } from './task-state.ts';

/**
 * Counters, for dashboards and the demo. A task ends in exactly one of passed, failed, errors, released
 * or lost.
 */
export interface ProverStats {
  /** Proofs generated (corrupted ones included). */
  proved: number;
  /** Results the coordinator answered (passed + failed). */
  submitted: number;
  /** Results the coordinator verified: Pass. */
  passed: number;
  /** Results the coordinator rejected: Fail (e.g. corrupted by `faulty_rate`). */
  failed: number;
  /** Tasks this node could not do (bad artifacts, proving kept failing); handed back to the market. */
  errors: number;
  /** Tasks handed back to the market on stop. */
  released: number;
  /** Tasks the coordinator took away meanwhile (e.g. after its proof timeout). */
  lost: number;
  /** Tasks held right now. */
  active: number;
  /** Failed attempts that were retried (of a task stage, a poll or a heartbeat). */
  retries: number;
  /** Times the coordinator came back after being unreachable, or had to be registered with again. */
  reconnects: number;
}

/**
 * Bidding counters (kept apart from `ProverStats`, whose shape the task counters' users rely on).
 * `sent` counts every action sent (bids, sealed commits and reveals, rising locks); `refused` those the
 * market answered with a 409; `won` requests won (a take or lock that assigned at once, or a request this
 * node bid on that the coordinator then handed to it); `skipped` auction rounds that closed without an
 * action from this node, its strategy having decided to skip them.
 */
export interface BiddingStats {
  sent: number;
  refused: number;
  won: number;
  skipped: number;
}

/** A bidding decision in a JSON-friendly form (money as strings). */
export interface BidDecisionEvent {
  action: BidDecision['action'];
  reason?: string;
  detail?: string;
  fee?: string;
  price?: string;
  until?: string;
}

/** What `node.on(...)` hears. Every task event carries its `taskId`. */
export interface ProverNodeEvents {
  registered: [{ nodeId: string; provingSpeed: number | undefined; again: boolean }];
  assigned: [{ taskId: string; programId: string; system: string | undefined; privacyLevel: number }];
  /** Every change of a task's phase (see task-state.ts). */
  state: [{ taskId: string; from: TaskPhase; to: TaskPhase; error?: string }];
  proved: [{ taskId: string; ms: number; corrupted: boolean }];
  /** The coordinator verified the proof: Pass. */
  submitted: [{ taskId: string; qualityScore: number }];
  /** The node settled a request on chain itself (`fulfill` mined): its transaction and gas. */
  fulfilled: [{ taskId: string; requestId: string; tx: string; gasUsed: bigint }];
  /** The coordinator rejected the proof: Fail. */
  rejected: [{ taskId: string; reason: string }];
  /** The node gave up on the task (and handed it back). */
  failed: [{ taskId: string; error: string }];
  released: [{ taskId: string; reason: string }];
  lost: [{ taskId: string; reason: string }];
  retry: [{ taskId?: string; stage: string; attempt: number; delayMs: number; error: string }];
  disconnected: [{ error: string }];
  reconnected: [];
  /** Unexpected errors; the node keeps running. Only emitted when someone listens. */
  error: [{ error: Error; taskId?: string }];
  stopped: [];
  /** The strategy's decision about one auction round, emitted when it changes (see bidding.ts). */
  'bid-decision': [{ requestId: string; round: number; mechanism: string; backend: string; decision: BidDecisionEvent }];
  /** An auction action sent, and the market's answer (`code`: the 409's rejection reason). */
  bid: [{ requestId: string; round: number; action: 'bid' | 'commit' | 'reveal' | 'lock'; fee?: string; accepted: boolean; assigned?: boolean; code?: string; message?: string }];
  /** A request this node won (at once by a take or lock, or handed to it after a bid). */
  won: [{ requestId: string; via: 'action' | 'assignment' }];
  /** The coordinator serves no market API (`GET /v1/auctions` is 404): bidding pauses and retries later. */
  'bidding-unavailable': [{ error: string }];
}
