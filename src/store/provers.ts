import type { Queryable } from './db.ts';

export type ProverStatus = 'active' | 'busy' | 'offline';

export interface ProverRecord {
  prover_id: string;
  supported_levels: number[];
  capacity: number;
  status: ProverStatus;
  current_load: number;
  /** The registration body as sent, for idempotent re-registration. */
  registration: Record<string, unknown>;
  registered_at: Date;
  last_heartbeat_at: Date;
  updated_at: Date;
}

const COLUMNS = `prover_id, supported_levels, capacity, status, current_load, registration, registered_at,
  last_heartbeat_at, updated_at`;

export async function insertProver(q: Queryable, p: ProverRecord): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO provers (${COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)
     ON CONFLICT (prover_id) DO NOTHING RETURNING prover_id`,
    [p.prover_id, p.supported_levels, p.capacity, p.status, p.current_load, JSON.stringify(p.registration),
      p.registered_at, p.last_heartbeat_at, p.updated_at],
  );
  return rows.length === 1;
}

export async function getProver(q: Queryable, proverId: string): Promise<ProverRecord | undefined> {
  const rows = await q.query<ProverRecord>(`SELECT ${COLUMNS} FROM provers WHERE prover_id = $1`, [proverId]);
  return rows[0];
}

/** Every prover with the number of tasks it holds (assigned or in progress). */
export async function listProvers(q: Queryable): Promise<Array<ProverRecord & { active_tasks: number }>> {
  return q.query<ProverRecord & { active_tasks: number }>(
    `SELECT ${COLUMNS}, (SELECT count(*)::int FROM tasks t WHERE t.assigned_prover = provers.prover_id
       AND t.status IN ('assigned', 'in_progress')) AS active_tasks
     FROM provers ORDER BY registered_at, prover_id`,
  );
}

export async function recordHeartbeat(
  q: Queryable,
  proverId: string,
  at: Date,
  status: ProverStatus,
  currentLoad: number | null,
): Promise<ProverRecord | undefined> {
  const rows = await q.query<ProverRecord>(
    `UPDATE provers SET last_heartbeat_at = $2, updated_at = $2, status = $3,
       current_load = COALESCE($4, current_load)
     WHERE prover_id = $1 RETURNING ${COLUMNS}`,
    [proverId, at, status, currentLoad],
  );
  return rows[0];
}

/** Locks a prover's row until the transaction ends; returns whether the prover exists. */
export async function lockProver(q: Queryable, proverId: string): Promise<boolean> {
  return (await q.query(`SELECT 1 FROM provers WHERE prover_id = $1 FOR UPDATE`, [proverId])).length === 1;
}

export async function proverExists(q: Queryable, proverId: string): Promise<boolean> {
  return (await q.query(`SELECT 1 FROM provers WHERE prover_id = $1`, [proverId])).length === 1;
}

/** Marks provers silent since before `cutoff` offline; returns their ids. */
export async function markSilentProversOffline(q: Queryable, cutoff: Date, now: Date): Promise<string[]> {
  const rows = await q.query<{ prover_id: string }>(
    `UPDATE provers SET status = 'offline', updated_at = $2
     WHERE status <> 'offline' AND last_heartbeat_at < $1 RETURNING prover_id`,
    [cutoff, now],
  );
  return rows.map((r) => r.prover_id);
}

export async function countProversByStatus(q: Queryable): Promise<Record<string, number>> {
  const rows = await q.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM provers GROUP BY status`);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
