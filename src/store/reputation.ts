import type { ReputationObservation } from '../domain/request.ts';
import type { Queryable } from './db.ts';

/** A row of `reputation_events`: the domain's observation of one attempt. */
export type ReputationEventRecord = ReputationObservation;

export async function insertReputationEvent(q: Queryable, e: ReputationEventRecord): Promise<void> {
  await q.query(
    `INSERT INTO reputation_events (prover_id, task_id, at, success, quality, expected_ms, actual_ms, cause)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
    [e.prover_id, e.task_id, e.at, e.success, e.quality, e.expected_ms, e.actual_ms, e.cause],
  );
}

/** A prover's most recent observations, newest first. Older ones weigh almost nothing under the decay. */
export async function listReputationEvents(q: Queryable, proverId: string, limit = 500): Promise<ReputationEventRecord[]> {
  return q.query<ReputationEventRecord>(
    `SELECT prover_id, task_id, at, success, quality, expected_ms, actual_ms, cause FROM reputation_events
     WHERE prover_id = $1 ORDER BY id DESC LIMIT $2`,
    [proverId, limit],
  );
}

/**
 * Provers whose cached stars miss observations (migration 007), not refreshed within `minAgeMs` of `now`,
 * stalest first, with the observation count to record once refreshed. Read before the observations.
 */
export async function staleReputations(q: Queryable, now: Date, minAgeMs: number, limit: number): Promise<{ prover_id: string; observed: string }[]> {
  return q.query<{ prover_id: string; observed: string }>(
    `SELECT prover_id, observed::text FROM reputation_marks
     WHERE observed > refreshed AND (refreshed_at IS NULL OR refreshed_at <= $1)
     ORDER BY refreshed_at NULLS FIRST LIMIT $2`,
    [new Date(now.getTime() - minAgeMs), limit],
  );
}

/** Records that a prover's cache now folds in its first `observed` observations (never moving back). */
export async function markReputationRefreshed(q: Queryable, proverId: string, observed: string, now: Date): Promise<void> {
  await q.query(`UPDATE reputation_marks SET refreshed = GREATEST(refreshed, $2::bigint), refreshed_at = $3 WHERE prover_id = $1`, [proverId, observed, now]);
}
