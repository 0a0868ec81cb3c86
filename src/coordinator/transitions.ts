/**
 * The I/O side of the transition kernel (src/domain/kernel): reads what a transition's plan needs — the
 * request's escrow, its open stake lock, its subscription, the prover's stake — and applies the plan in the
 * caller's transaction. The use cases compose these; none of them writes a request's row any other way.
 */
import { conflict } from '../domain/errors.ts';
import { accounts } from '../domain/ledger.ts';
import * as kernel from '../domain/kernel/transitions.ts';
import type { KernelConfig, VerdictContext } from '../domain/kernel/transitions.ts';
import type { Plan } from '../domain/kernel/plan.ts';
import type { RequestRecord, StakeLock } from '../domain/request.ts';
import type { Queryable } from '../store/db.ts';
import { balance, balances, openLockOf } from '../store/ledger.ts';
import { applyPlan } from '../store/plans.ts';
import { getSubscription } from '../store/subscriptions.ts';

/** Applies a plan computed from a row read under lock: it cannot be stale, so a refusal is a conflict. */
export async function applyLocked(q: Queryable, plan: Plan): Promise<RequestRecord> {
  if (!(await applyPlan(q, plan))) throw conflict('task_changed', `task ${plan.request.task_id} changed while it was being updated; retry`);
  return plan.next;
}

export const escrowOf = (q: Queryable, taskId: string): Promise<bigint> => balance(q, accounts.escrow(taskId));

/** The request's open stake lock, locked for update (none is ever taken for a request without min_stake). */
export async function lockOf(q: Queryable, request: RequestRecord): Promise<StakeLock | null> {
  if (request.min_stake === 0n) return null;
  return (await openLockOf(q, request.task_id)) ?? null;
}

/** A prover's free and locked stake. */
export async function stakeOf(q: Queryable, proverId: string): Promise<{ free: bigint; locked: bigint }> {
  const b = await balances(q, [accounts.stake(proverId), accounts.locked(proverId)]);
  return { free: b.get(accounts.stake(proverId))!, locked: b.get(accounts.locked(proverId))! };
}

/** What a verdict on this request moves: its escrow, its stake lock, and its subscription's share. */
export async function verdictContext(q: Queryable, request: RequestRecord): Promise<VerdictContext> {
  const subscriptionId = request.mechanism === 'subscription' ? (request.terms as { subscription_id?: string } | null)?.subscription_id : undefined;
  const sub = subscriptionId ? await getSubscription(q, subscriptionId) : undefined;
  return {
    escrowed: request.mechanism === 'subscription' ? 0n : await escrowOf(q, request.task_id),
    lock: await lockOf(q, request),
    subscription: sub ? { subscription_id: sub.subscription_id, prover_id: sub.prover_id, fee: sub.fee, quota: sub.quota, escrow_left: await balance(q, accounts.subscriptionEscrow(sub.subscription_id)) } : null,
  };
}

/**
 * Assigns a pending request read under lock to a prover (the kernel's `assigned`): the row, the event and
 * the stake lock behind it (overcommit-checked against the prover's stake now).
 */
export async function assign(q: Queryable, k: KernelConfig, request: RequestRecord, a: Omit<kernel.Assignment, 'stake'>, now: Date): Promise<RequestRecord> {
  const stake = request.min_stake > 0n ? await stakeOf(q, a.prover_id) : null;
  return applyLocked(q, kernel.assigned(request, { ...a, stake }, k, now));
}
