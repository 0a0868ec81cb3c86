import type { Queryable } from './db.ts';

/** `suspended`: set by the market operator; the prover takes no work until reinstated. */
export type ProverStatus = 'active' | 'busy' | 'offline' | 'suspended';

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
  /** The market profile. */
  name: string | null;
  backends: string[];
  gpu_enabled: boolean;
  base_price: bigint;
  price_type: PriceType;
  subscription_quota: number | null;
  proving_speed: number | null;
  /** Stars the market operator seeded at registration, if any. */
  seeded_reputation: number | null;
  /** Cached reputationOf() stars (null: no history), refreshed after each of its results. */
  reputation_stars: number | null;
  response_time_ms: number | null;
  /** The EVM address that registered it (null: registered unsigned, in --open mode). */
  owner: string | null;
  suspended_reason: string | null;
}

export type PriceType = 'per_proof' | 'subscription' | 'auction';

const COLUMNS = `prover_id, supported_levels, capacity, status, current_load, registration, registered_at,
  last_heartbeat_at, updated_at, name, backends, gpu_enabled, base_price::text AS base_price, price_type,
  subscription_quota, proving_speed, seeded_reputation, reputation_stars, response_time_ms, owner, suspended_reason`;

type ProverRow = Omit<ProverRecord, 'base_price'> & { base_price: string };
const fromRow = <R extends ProverRow>(r: R): Omit<R, 'base_price'> & { base_price: bigint } => ({ ...r, base_price: BigInt(r.base_price) });

export async function insertProver(q: Queryable, p: ProverRecord): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO provers (prover_id, supported_levels, capacity, status, current_load, registration, registered_at,
       last_heartbeat_at, updated_at, name, backends, gpu_enabled, base_price, price_type, subscription_quota,
       proving_speed, seeded_reputation, reputation_stars, response_time_ms, owner, suspended_reason)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21)
     ON CONFLICT (prover_id) DO NOTHING RETURNING prover_id`,
    [p.prover_id, p.supported_levels, p.capacity, p.status, p.current_load, JSON.stringify(p.registration),
      p.registered_at, p.last_heartbeat_at, p.updated_at, p.name, p.backends, p.gpu_enabled, p.base_price.toString(),
      p.price_type, p.subscription_quota, p.proving_speed, p.seeded_reputation, p.reputation_stars, p.response_time_ms,
      p.owner, p.suspended_reason],
  );
  return rows.length === 1;
}

export async function getProver(q: Queryable, proverId: string): Promise<ProverRecord | undefined> {
  const rows = await q.query<ProverRow>(`SELECT ${COLUMNS} FROM provers WHERE prover_id = $1`, [proverId]);
  return rows[0] && fromRow(rows[0]);
}

export type ProverWithLoad = ProverRecord & { active_tasks: number };

/** Every prover (or the given ones) with the number of tasks it holds (assigned or in progress). */
export async function listProvers(q: Queryable, ids?: string[]): Promise<ProverWithLoad[]> {
  const rows = await q.query<ProverRow & { active_tasks: number }>(
    `SELECT ${COLUMNS}, (SELECT count(*)::int FROM tasks t WHERE t.assigned_prover = provers.prover_id
       AND t.status IN ('assigned', 'in_progress')) AS active_tasks
     FROM provers WHERE ($1::text[] IS NULL OR prover_id = ANY($1)) ORDER BY registered_at, prover_id`,
    [ids ?? null],
  );
  return rows.map(fromRow);
}

/** Stores a prover's recomputed reputation and response time. */
export async function updateReputationCache(q: Queryable, proverId: string, stars: number | null, responseTimeMs: number | null): Promise<void> {
  await q.query(`UPDATE provers SET reputation_stars = $2, response_time_ms = $3 WHERE prover_id = $1`, [proverId, stars, responseTimeMs]);
}

export async function recordHeartbeat(
  q: Queryable,
  proverId: string,
  at: Date,
  status: ProverStatus,
  currentLoad: number | null,
): Promise<ProverRecord | undefined> {
  const rows = await q.query<ProverRow>(
    `UPDATE provers SET last_heartbeat_at = $2, updated_at = $2,
       status = CASE WHEN status = 'suspended' THEN status ELSE $3 END,
       current_load = COALESCE($4, current_load)
     WHERE prover_id = $1 RETURNING ${COLUMNS}`,
    [proverId, at, status, currentLoad],
  );
  return rows[0] && fromRow(rows[0]);
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
     WHERE status NOT IN ('offline', 'suspended') AND last_heartbeat_at < $1 RETURNING prover_id`,
    [cutoff, now],
  );
  return rows.map((r) => r.prover_id);
}

export async function countProversByStatus(q: Queryable): Promise<Record<string, number>> {
  const rows = await q.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM provers GROUP BY status`);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** The operator suspends (reason) or reinstates (null) a prover. Returns false for an unknown prover. */
export async function setSuspended(q: Queryable, proverId: string, reason: string | null, at: Date): Promise<boolean> {
  const rows = await q.query(
    `UPDATE provers SET status = CASE WHEN $2::text IS NULL THEN 'active' ELSE 'suspended' END, suspended_reason = $2, updated_at = $3
     WHERE prover_id = $1 RETURNING prover_id`,
    [proverId, reason, at],
  );
  return rows.length === 1;
}

/** The provers an address owns (or, registered unsigned in --open mode, that carry the address as their id). */
export async function ownedBy(q: Queryable, address: string): Promise<Array<{ prover_id: string }>> {
  return q.query<{ prover_id: string }>(`SELECT prover_id FROM provers WHERE owner = $1 OR (owner IS NULL AND prover_id = $1) ORDER BY prover_id`, [address]);
}
