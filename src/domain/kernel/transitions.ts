/**
 * The transition kernel: every state change of a request as one pure function from the rows it needs and the
 * clock to a `Plan`. Nothing here reads or writes; the use cases (src/coordinator/usecases) read the rows, call
 * one of these, and apply the plan with `applyPlan` (src/store/plans.ts) in one transaction.
 *
 *   submitted ─▶ pending ─assigned─▶ assigned ─started─▶ in_progress ─proofVerified─▶ completed
 *                   ▲                   │                     │
 *                   └── proofRejected, released, lapsed, timedOut (back to the market)
 *   and to failed: proofRejected after max attempts, deadlinePassed, cancelled, noWinner.
 */
import { conflict } from '../errors.ts';
import { coversNewLock, plan as ledgerPlan, subscriptionShare, type EconomicsConfig, type Movement } from '../ledger.ts';
import type { ProofRecord, RequestChanges, RequestRecord, StakeLock, SubscriptionShare } from '../request.ts';
import { assertTransition, isHeld, qualityScore, statusAfterRejectedProof, type TaskStatus, type TransitionCause } from '../task.ts';
import type { Plan, StakeStep } from './plan.ts';

/** The market settings the kernel decides by. */
export interface KernelConfig {
  economics: EconomicsConfig;
  maxAttempts: number;
  proofTimeoutMs: number;
}

export interface PlanParts {
  to: TaskStatus;
  cause: TransitionCause;
  changes?: RequestChanges;
  ledger?: Movement[];
  stake?: StakeStep | null;
  observation?: Plan['observation'];
  proof?: ProofRecord | null;
  /** The event's prover; by default the holder after the move, else before it. */
  prover_id?: string | null;
  detail?: Record<string, unknown> | null;
}

/**
 * Assembles a move's plan; checks the lifecycle allows it. The transitions below are built on it; use it
 * directly only where no named transition fits (the store's own tests).
 */
export function move(request: RequestRecord, now: Date, p: PlanParts): Plan {
  assertTransition(request.status, p.to);
  const next: RequestRecord = { ...request, ...p.changes, status: p.to, updated_at: now };
  return {
    request,
    next,
    op: 'move',
    cause: p.cause,
    changes: p.changes ?? {},
    ledger: p.ledger ?? [],
    stake: p.stake ?? null,
    observation: p.observation ?? null,
    proof: p.proof ?? null,
    event: {
      kind: `request.${p.cause}`,
      task_id: request.task_id,
      at: now,
      from_status: request.status,
      to_status: p.to,
      cause: p.cause,
      prover_id: p.prover_id !== undefined ? p.prover_id : (next.assigned_prover ?? request.assigned_prover),
      detail: p.detail ?? null,
    },
  };
}

/** The columns a request leaves behind when it goes back to the market or ends unfulfilled. */
const UNASSIGNED = { assigned_prover: null, assigned_at: null, price: null } as const;

// ── a request enters the market ─────────────────────────────────────────────────────────────────────

/**
 * A new request, pending. `escrow`: what to hold from the requester (its max price, or its re-auction
 * ceiling; 0 for none, e.g. under a subscription). `faucet`: a grant credited to the requester first
 * (--open mode, for a requester that is short).
 */
export function submitted(request: RequestRecord, s: { escrow: bigint; faucet: Movement | null }, now: Date): Plan {
  const ledger = [...(s.faucet ? [s.faucet] : []), ...(s.escrow > 0n ? [ledgerPlan.escrow(request.task_id, request.requester, s.escrow)] : [])];
  const next = { ...request, status: 'pending' as const, created_at: now, updated_at: now };
  return {
    request: next,
    next,
    op: 'insert',
    cause: 'submitted',
    changes: {},
    ledger,
    stake: null,
    observation: null,
    proof: null,
    event: { kind: 'request.submitted', task_id: request.task_id, at: now, from_status: null, to_status: 'pending', cause: 'submitted', prover_id: null, detail: null },
  };
}

/** The faucet grant that lets an unsigned requester (--open) pay `amount` with `have`: at least `minGrant`, or none. */
export function openFaucetGrant(who: string, amount: bigint, have: bigint, minGrant: bigint): Movement | null {
  if (amount === 0n || have >= amount) return null;
  return ledgerPlan.deposit(who, amount - have > minGrant ? amount - have : minGrant, 'faucet');
}

// ── assignment ──────────────────────────────────────────────────────────────────────────────────────

/** Why a prover's stake cannot back a request asking `minStake`, or null when it can. */
export function stakeProblem(stake: { free: bigint; locked: bigint }, minStake: bigint, e: EconomicsConfig): 'stake_below_minimum' | 'stake_insufficient' | null {
  if (e.minStakeToBid === 0n && minStake === 0n) return null;
  if (stake.free + stake.locked < e.minStakeToBid) return 'stake_below_minimum';
  if (minStake > 0n && !coversNewLock(stake.free, stake.locked, minStake, e.overcommitBps)) return 'stake_insufficient';
  return null;
}

export interface Assignment {
  prover_id: string;
  price: bigint;
  /** How it was won: the pull (`assigned`) or an auction or targeted take (`auction_won`). */
  cause: 'assigned' | 'auction_won';
  /** False while a won request waits for its winner's next poll; true when the winner holds it already. */
  handed_out: boolean;
  /** The prover's stake now, when the request asks for some (its lock is checked against overcommit). */
  stake: { free: bigint; locked: bigint } | null;
}

/** A prover takes a pending request: it holds it at `price`, with `min_stake` of its stake locked behind it. */
export function assigned(request: RequestRecord, a: Assignment, k: KernelConfig, now: Date): Plan {
  let stake: StakeStep | null = null;
  if (request.min_stake > 0n) {
    const problem = stakeProblem(a.stake ?? { free: 0n, locked: 0n }, request.min_stake, k.economics);
    if (problem) throw conflict(problem, `prover "${a.prover_id}" has not enough free stake to take request "${request.task_id}" (it asks ${request.min_stake})`);
    stake = { kind: 'lock', prover_id: a.prover_id, amount: request.min_stake, movement: ledgerPlan.lock(request.task_id, a.prover_id, request.min_stake) };
  }
  return move(request, now, {
    to: 'assigned',
    cause: a.cause,
    changes: { assigned_prover: a.prover_id, assigned_at: now, price: a.price, handed_out: a.handed_out },
    stake,
    prover_id: a.prover_id,
    detail: a.cause === 'auction_won' ? { price: a.price.toString(), round: request.round } : { price: a.price.toString() },
  });
}

/** The holder says it has begun proving. */
export function started(request: RequestRecord, now: Date): Plan {
  return move(request, now, { to: 'in_progress', cause: 'started' });
}

// ── a verdict ───────────────────────────────────────────────────────────────────────────────────────

export interface Verdict {
  prover_id: string;
  proof: Uint8Array;
  pass: boolean;
  reason?: string;
  verify_ms: number;
  /** How long a proof by this prover should take (its time efficiency's yardstick). */
  expected_ms: number;
}

/** What a verdict's plan needs besides the request: its escrow, its open stake lock, its subscription. */
export interface VerdictContext {
  escrowed: bigint;
  lock: StakeLock | null;
  subscription: SubscriptionShare | null;
}

/**
 * A proof was verified (`pass`) or rejected. Pass: completed; the prover is paid its price less the fee and
 * the requester refunded the rest (or, under a subscription, its share of the fee is released); the stake is
 * free again. Fail: back to pending without that prover, or failed and refunded after `maxAttempts`; the
 * stake is released (slashing is for missed deadlines). Either way the verdict is a reputation observation.
 */
export function verdictReached(request: RequestRecord, v: Verdict, c: VerdictContext, k: KernelConfig, now: Date): Plan {
  const elapsed = now.getTime() - (request.assigned_at ?? now).getTime();
  const quality = qualityScore(v.pass, elapsed, k.proofTimeoutMs);
  const proof: ProofRecord = {
    task_id: request.task_id,
    prover_id: v.prover_id,
    submitted_at: now,
    proof: v.proof,
    verification_result: v.pass ? 'Pass' : 'Fail',
    reason: v.reason ?? null,
    quality_score: quality,
    verify_ms: v.verify_ms,
  };
  const observation = { prover_id: v.prover_id, task_id: request.task_id, at: now, success: v.pass, quality, expected_ms: v.expected_ms, actual_ms: elapsed, cause: '' };
  const stake = release(c.lock);
  if (v.pass) {
    return move(request, now, {
      to: 'completed',
      cause: 'proof_verified',
      ledger: payment(request, v.prover_id, c, k.economics),
      stake,
      observation: { ...observation, cause: 'proof_verified' },
      proof,
      detail: { quality_score: quality },
    });
  }
  const attempts = request.attempts + 1;
  const to = statusAfterRejectedProof(attempts, k.maxAttempts);
  const cause = to === 'failed' ? 'max_attempts' : 'proof_rejected';
  return move(request, now, {
    to,
    cause,
    changes: { ...UNASSIGNED, attempts, excluded_provers: [...request.excluded_provers, v.prover_id] },
    ledger: to === 'failed' ? refund(request, c.escrowed) : [],
    stake,
    observation: { ...observation, cause },
    proof,
    prover_id: v.prover_id,
    detail: { reason: v.reason ?? null },
  });
}

/** A verified proof's payment: the clearing price (capped at the escrow) or the subscription's share. */
function payment(request: RequestRecord, proverId: string, c: VerdictContext, e: EconomicsConfig): Movement[] {
  if (request.mechanism === 'subscription') {
    if (!c.subscription) return [];
    const share = subscriptionShare(c.subscription.fee, c.subscription.quota);
    const amount = share > c.subscription.escrow_left ? c.subscription.escrow_left : share;
    if (amount === 0n) return [];
    return [ledgerPlan.subscriptionRelease({ subscriptionId: c.subscription.subscription_id, proverId: c.subscription.prover_id, amount, feeBps: e.protocolFeeBps, key: `subscription_release:${request.task_id}` })];
  }
  const price = request.price ?? request.max_price;
  if (c.escrowed === 0n) return []; // nothing held here: free, or escrowed and settled on chain
  return [ledgerPlan.settle({ taskId: request.task_id, requester: request.requester, proverId, escrowed: c.escrowed, price: price > c.escrowed ? c.escrowed : price, feeBps: e.protocolFeeBps })];
}

const refund = (request: RequestRecord, escrowed: bigint): Movement[] => (escrowed > 0n ? [ledgerPlan.refund(request.task_id, request.requester, escrowed)] : []);

function release(lock: StakeLock | null): StakeStep | null {
  return lock ? { kind: 'release', lock, movement: ledgerPlan.unlock(lock.task_id, lock.prover_id, lock.amount, lock.lock_id) } : null;
}

/**
 * The holder missed its deadline (`dueAt`): its lock is slashed, once, and only after `dueAt` and within the
 * slash window; outside the window the lock is only released.
 */
function slashOrRelease(request: RequestRecord, lock: StakeLock | null, dueAt: Date, e: EconomicsConfig, now: Date): StakeStep | null {
  if (!lock) return null;
  const late = now.getTime() - dueAt.getTime();
  if (late < 0 || late > e.slashWindowMs) return release(lock);
  const m = ledgerPlan.slash({ lockId: lock.lock_id, taskId: request.task_id, proverId: lock.prover_id, requester: request.requester, locked: lock.amount, slashBps: e.slashBps, burnBps: e.slashBurnBps });
  const { slashed, burned, toRequester, ...movement } = m;
  return { kind: 'slash', lock, movement, amount: slashed, to_requester: toRequester, burned };
}

// ── the holder lets go ──────────────────────────────────────────────────────────────────────────────

/** The holder hands the request back before its deadline (e.g. on shutdown): not a miss, so the stake is released. */
export function released(request: RequestRecord, lock: StakeLock | null, now: Date): Plan {
  return move(request, now, { to: 'pending', cause: 'prover_released', changes: { ...UNASSIGNED, handed_out: true }, stake: release(lock), prover_id: request.assigned_prover });
}

/** A rising auction's lock ran out before its holder delivered: back to the market, stake released, a miss observed. */
export function lapsed(request: RequestRecord, lock: StakeLock | null, now: Date): Plan {
  const lockMs = now.getTime() - (request.assigned_at ?? now).getTime();
  const prover = request.assigned_prover!;
  return move(request, now, {
    to: 'pending',
    cause: 'lock_lapsed',
    changes: { ...UNASSIGNED, handed_out: true },
    stake: release(lock),
    observation: { prover_id: prover, task_id: request.task_id, at: now, success: false, quality: 0, expected_ms: lockMs, actual_ms: lockMs, cause: 'lock_lapsed' },
    prover_id: prover,
  });
}

/**
 * The sweep takes a held request back: past its proof timeout (`proof_timeout`: the holder missed its
 * deadline, its lock is slashed) or from a prover whose heartbeats stopped (`prover_offline`: handed back
 * before any deadline, its lock released). Either is a failure that took the whole time.
 */
export function timedOut(request: RequestRecord, s: { cause: 'proof_timeout' | 'prover_offline'; lock: StakeLock | null; expected_ms: number }, k: KernelConfig, now: Date): Plan {
  const assignedAt = request.assigned_at ?? now;
  const stake = s.cause === 'proof_timeout'
    ? slashOrRelease(request, s.lock, new Date(assignedAt.getTime() + k.proofTimeoutMs), k.economics, now)
    : release(s.lock);
  const holder = request.assigned_prover;
  return move(request, now, {
    to: 'pending',
    cause: s.cause,
    changes: { ...UNASSIGNED, handed_out: true },
    stake,
    observation: holder ? { prover_id: holder, task_id: request.task_id, at: now, success: false, quality: 0, expected_ms: s.expected_ms, actual_ms: now.getTime() - assignedAt.getTime(), cause: s.cause } : null,
    prover_id: holder,
  });
}

// ── the request ends unfulfilled ────────────────────────────────────────────────────────────────────

/** Unfinished at its deadline: failed and refunded; a holder still on it missed the deadline and is slashed. */
export function deadlinePassed(request: RequestRecord, c: { escrowed: bigint; lock: StakeLock | null }, k: KernelConfig, now: Date): Plan {
  return move(request, now, {
    to: 'failed',
    cause: 'deadline',
    changes: UNASSIGNED,
    ledger: refund(request, c.escrowed),
    stake: isHeld(request.status) ? slashOrRelease(request, c.lock, request.deadline, k.economics, now) : release(c.lock),
    prover_id: request.assigned_prover,
    detail: { refund: c.escrowed.toString() },
  });
}

/** The requester withdraws a request no prover holds yet: failed, refunded in full. */
export function cancelled(request: RequestRecord, escrowed: bigint, now: Date): Plan {
  if (request.status !== 'pending') throw conflict('not_cancellable', `request "${request.task_id}" is ${request.status}; only a pending request can be cancelled`);
  return move(request, now, { to: 'failed', cause: 'cancelled', ledger: refund(request, escrowed), detail: { refund: escrowed.toString() } });
}

/** An auction ended without a winner and the request may not be re-auctioned: failed, refunded at once. */
export function noWinner(request: RequestRecord, s: { escrowed: bigint; reason: string }, now: Date): Plan {
  return move(request, now, { to: 'failed', cause: 'no_winner', changes: UNASSIGNED, ledger: refund(request, s.escrowed), detail: { reason: s.reason, refund: s.escrowed.toString() } });
}
