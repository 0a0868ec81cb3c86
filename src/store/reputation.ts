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
