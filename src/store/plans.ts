import type { Plan, StakeStep } from '../domain/kernel/plan.ts';
import type { JobPlan } from '../domain/jobs/plan.ts';
import type { Queryable } from './db.ts';
import { applyJobPlan } from './jobs.ts';
import { applyMovement, closeLock, insertLock, insertSlash } from './ledger.ts';
import { insertTask } from './tasks.ts';

/**
 * Applies a transition's plan (src/domain/kernel) in the caller's transaction: the request's row, its proof,
 * its outbox event and its reputation observation in one statement, then the ledger movements and the stake
 * step. Answers false, having written nothing, when the request changed since it was read (or, for a new
 * request, when its id is taken): the caller re-reads it under lock and plans again, or reports the conflict.
 * A container job's plan (src/domain/jobs) is applied the same way, by applyJobPlan.
 */
export async function applyPlan(q: Queryable, plan: Plan | JobPlan): Promise<boolean> {
  if ('work' in plan) return applyJobPlan(q, plan); // a container job's move (src/store/jobs.ts)
  const written = plan.op === 'insert' ? await insertTask(q, plan.next) : await moveRequest(q, plan);
  if (!written) return false;
  for (const m of plan.ledger) await applyMovement(q, m, plan.event.at);
  if (plan.stake) await applyStake(q, plan.stake, plan.event.at);
  return true;
}

/**
 * The move, in one statement: the row is written only if it still holds every value of `plan.request` the
 * plan was computed from — its status, holder, assignment time, attempts and exclusions. (PostgreSQL re-checks
 * that condition on the newest row version if another transaction is writing it, so a racing sweep or a second
 * result cannot be overwritten.) The proof, the event and the observation are written with it, or not at all.
 */
async function moveRequest(q: Queryable, plan: Plan): Promise<boolean> {
  const { request: was, next, proof, observation: obs, event } = plan;
  const rows = await q.query(
    `WITH moved AS (
       UPDATE tasks SET status = $3, assigned_prover = $4, assigned_at = $5, attempts = $6, excluded_provers = $7,
         updated_at = $8, price = $9, handed_out = $10, round = $11, max_price = $12, min_reputation = $13
       WHERE task_id = $1 AND status = $2 AND assigned_prover IS NOT DISTINCT FROM $14
         AND assigned_at IS NOT DISTINCT FROM $15::timestamptz AND attempts = $16 AND excluded_provers = $17::text[]
       RETURNING task_id
     ), proof AS (
       INSERT INTO proofs (task_id, prover_id, submitted_at, proof, verification_result, reason, quality_score, verify_ms)
       SELECT task_id, $18::text, $8, $19::bytea, $20::text, $21::text, $22::float8, $23::float8 FROM moved WHERE $18::text IS NOT NULL
     ), event AS (
       INSERT INTO events (kind, task_id, at, from_status, to_status, cause, prover_id, detail)
       SELECT $24::text, task_id, $8, $2, $3, $25::text, $26::text, $27::jsonb FROM moved
     ), observation AS (
       INSERT INTO reputation_events (prover_id, task_id, at, success, quality, expected_ms, actual_ms, cause)
       SELECT $28::text, task_id, $8, $29::boolean, $30::float8, $31::float8, $32::float8, $33::text FROM moved WHERE $28::text IS NOT NULL
     )
     SELECT task_id FROM moved`,
    [
      was.task_id, was.status, next.status, next.assigned_prover, next.assigned_at, next.attempts, next.excluded_provers, event.at,
      next.price?.toString() ?? null, next.handed_out, next.round, next.max_price.toString(), next.min_reputation,
      was.assigned_prover, was.assigned_at, was.attempts, was.excluded_provers,
      proof?.prover_id ?? null, proof?.proof ?? null, proof?.verification_result ?? null, proof?.reason ?? null, proof?.quality_score ?? null, proof?.verify_ms ?? null,
      event.kind, event.cause, event.prover_id, event.detail === null ? null : JSON.stringify(event.detail),
      obs?.prover_id ?? null, obs?.success ?? null, obs?.quality ?? null, obs?.expected_ms ?? null, obs?.actual_ms ?? null, obs?.cause ?? null,
    ],
  );
  return rows.length === 1;
}

async function applyStake(q: Queryable, s: StakeStep, at: Date): Promise<void> {
  switch (s.kind) {
    case 'lock':
      await applyMovement(q, s.movement, at);
      await insertLock(q, s.movement.cause_id, s.prover_id, s.amount, at);
      return;
    case 'release':
      if (await closeLock(q, s.lock.lock_id, 'released', at)) await applyMovement(q, s.movement, at);
      return;
    case 'slash': {
      const slash = await insertSlash(q, { lock_id: s.lock.lock_id, task_id: s.lock.task_id, prover_id: s.lock.prover_id, amount: s.amount, to_requester: s.to_requester, burned: s.burned, at });
      if (!slash) return; // slashed already: never twice
      await closeLock(q, s.lock.lock_id, 'slashed', at);
      await applyMovement(q, s.movement, at);
      return;
    }
  }
}
