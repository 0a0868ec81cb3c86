import { deadlinePassed, timedOut } from '../../domain/kernel/transitions.ts';
import { isProofOverdue } from '../../domain/task.ts';
import { pruneNonces } from '../../store/auth.ts';
import type { Queryable } from '../../store/db.ts';
import { markSilentProversOffline } from '../../store/provers.ts';
import * as subscriptions from '../../store/subscriptions.ts';
import { lockExpiredTasks, lockStuckTasks } from '../../store/tasks.ts';
import { applyLocked, escrowOf, lockOf } from '../transitions.ts';
import type { MarketDeps } from './deps.ts';
import { expireJobs } from './expire-jobs.ts';
import { autoMatchJobs } from './auto-match-jobs.ts';

export interface SweepReturnType {
  offline: string[];
  requeued: number;
  expired: number;
}

/**
 * One pass of the scheduler: silent provers go offline and their requests back to pending (stake released);
 * requests held past the proof timeout go back to pending (stake slashed); unfinished requests past their
 * deadline fail (refunded; a holder still on one is slashed). Then due unstakes are paid, ended subscriptions
 * closed, funded container jobs nobody took expired or matched automatically, and old nonces pruned. Safe to run from several coordinators at once (SKIP LOCKED), and idempotent.
 */
export async function sweep(deps: MarketDeps): Promise<SweepReturnType> {
  const { db, config } = deps;
  const now = deps.clock.now();
  const offline = await markSilentProversOffline(db, new Date(now.getTime() - config.heartbeatTimeoutMs), now);
  return db.transaction(async (tx) => {
    const requeued = await requeueStuck(deps, tx, now);
    const expired = await lockExpiredTasks(tx, now);
    for (const task of expired) {
      await applyLocked(tx, deadlinePassed(task, { escrowed: await escrowOf(tx, task.task_id), lock: await lockOf(tx, task) }, deps.kernel, now));
    }
    await expireJobs(tx, now);
    await autoMatchJobs(tx, now, config.economics);
    await deps.economy.payDueUnstakes(tx, now);
    for (const sub of await subscriptions.lockEndedWithEscrow(tx, now)) await deps.economy.closeSubscription(tx, sub, now);
    await pruneNonces(tx, new Date(now.getTime() - 2 * config.authWindowMs));
    await deps.auctions.closeRounds(tx, expired.filter((t) => t.mechanism !== 'fixed').map((t) => t.task_id), now);
    return { offline, requeued, expired: expired.length };
  });
}

/** Held requests whose holder went silent or overran the proof timeout go back to the market. */
async function requeueStuck(deps: MarketDeps, tx: Queryable, now: Date): Promise<number> {
  const timeouts = { heartbeatTimeoutMs: deps.config.heartbeatTimeoutMs, proofTimeoutMs: deps.config.proofTimeoutMs };
  const stuck = await lockStuckTasks(tx, new Date(now.getTime() - timeouts.proofTimeoutMs));
  for (const task of stuck) {
    const cause = task.assigned_at && isProofOverdue(task.assigned_at, now, timeouts) ? 'proof_timeout' : 'prover_offline';
    const expected = task.assigned_prover ? await deps.reputation.expectedProofMs(tx, task.assigned_prover) : 0;
    await applyLocked(tx, timedOut(task, { cause, lock: await lockOf(tx, task), expected_ms: expected }, deps.kernel, now));
    if (task.assigned_prover) deps.reputation.markStale(task.assigned_prover);
  }
  return stuck.length;
}
