import type { ProofRecord, ReputationObservation, RequestEvent, RequestRecord } from '../domain/request.ts';
import type { TaskStatus } from '../domain/task.ts';
import { accounts } from '../domain/ledger.ts';
import { NEUTRAL_STARS } from '../domain/market/eligibility.ts';
import type { Queryable } from './db.ts';

/** The domain's request record; the seed API's name for it. */
export type TaskRecord = RequestRecord;
export type TaskEvent = RequestEvent;
export type { ProofRecord, ReputationObservation };

const COLUMNS = `task_id, privacy_level, circuit_data, reward_amount::text AS reward_amount, requester, priority,
  program_id, expected_public_signals, status, assigned_prover, assigned_at, attempts, excluded_provers, deadline,
  request_hash, created_at, updated_at, backend, mechanism, max_price::text AS max_price, min_reputation, allow_list,
  terms, price::text AS price, handed_out, round, min_stake::text AS min_stake`;

type TaskRow = Omit<TaskRecord, 'reward_amount' | 'max_price' | 'price' | 'min_stake'> & { reward_amount: string; max_price: string; price: string | null; min_stake: string };
const fromRow = (r: TaskRow): TaskRecord => ({
  ...r,
  reward_amount: BigInt(r.reward_amount),
  max_price: BigInt(r.max_price),
  price: r.price === null ? null : BigInt(r.price),
  min_stake: BigInt(r.min_stake),
});

/**
 * Inserts a new pending task and its first history event, in one statement (atomic without a transaction).
 * Returns false if the id is taken.
 */
export async function insertTask(q: Queryable, t: TaskRecord): Promise<boolean> {
  const rows = await q.query(
    `WITH task AS (
       INSERT INTO tasks (task_id, privacy_level, circuit_data, reward_amount, requester, priority, program_id,
         expected_public_signals, status, deadline, request_hash, created_at, updated_at, backend, mechanism, max_price,
         min_reputation, allow_list, terms, min_stake)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,'pending',$9,$10,$11,$11,$12,$13,$14,$15,$16,$17,$18)
       ON CONFLICT (task_id) DO NOTHING RETURNING task_id, created_at
     )
     INSERT INTO events (kind, task_id, at, from_status, to_status, cause)
     SELECT 'request.submitted', task_id, created_at, NULL, 'pending', 'submitted' FROM task RETURNING task_id`,
    [t.task_id, t.privacy_level, t.circuit_data, t.reward_amount.toString(), t.requester, t.priority, t.program_id,
      JSON.stringify(t.expected_public_signals), t.deadline, t.request_hash, t.created_at, t.backend, t.mechanism,
      t.max_price.toString(), t.min_reputation, t.allow_list, t.terms === null ? null : JSON.stringify(t.terms), t.min_stake.toString()],
  );
  return rows.length === 1;
}

export async function getTask(q: Queryable, taskId: string, lock = false): Promise<TaskRecord | undefined> {
  const rows = await q.query<TaskRow>(`SELECT ${COLUMNS} FROM tasks WHERE task_id = $1${lock ? ' FOR UPDATE' : ''}`, [taskId]);
  return rows[0] && fromRow(rows[0]);
}

/**
 * A prover's poll, in one statement. It counts as a heartbeat (an offline prover comes back; a busy one
 * stays busy and gets nothing). Then it hands out, first, a request this prover has won in an auction and
 * not yet picked up (`won`); otherwise it finds and locks the next request the prover may claim (`claimable`),
 * which the caller assigns with the kernel's `assigned` plan in the same transaction: the next `fixed`
 * request — the pull model: the first eligible prover wins at the fixed price — or a request under a
 * subscription to it (allow-listed to it, at no per-proof price).
 *
 * Who may claim what is the domain's rule `mayClaim` (src/domain/market/claim.ts), restated here in SQL for
 * speed; a property test checks the two agree. Highest priority first, then oldest.
 *
 * The claimable row is chosen by id and read whole after: sorting whole rows (input bytes and all) to pick one
 * cost a poll about 0.6 ms more on PGlite.
 *
 * SKIP LOCKED lets concurrent polls (also from other coordinator processes) pass over a row another
 * transaction is claiming, so no task is handed out twice. The capacity check counts with the statement's
 * snapshot: where statements can run concurrently (PostgreSQL), the caller must already hold the prover's
 * row lock (`lockProver`) in the same transaction, so that the snapshot includes every earlier claim.
 */
export async function pollForWork(q: Queryable, proverId: string, at: Date, overcommitBps = 10_000): Promise<{ task: TaskRecord; won: boolean } | undefined> {
  const rows = await q.query<TaskRow & { won: boolean }>(
    `WITH prover AS (
       UPDATE provers SET last_heartbeat_at = $2, updated_at = $2,
         status = CASE WHEN status IN ('busy', 'suspended') THEN status ELSE 'active' END
       WHERE prover_id = $1
       RETURNING status, capacity, supported_levels, backends, base_price, COALESCE(reputation_stars, $6) AS stars
     ), won AS (
       UPDATE tasks SET handed_out = true, updated_at = $2
       WHERE task_id = (SELECT w.task_id FROM tasks w WHERE w.assigned_prover = $1 AND NOT w.handed_out
         AND w.status = 'assigned' ORDER BY w.priority DESC, w.created_at, w.seq LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING tasks.*
     ), claimable AS (
       SELECT t.task_id FROM tasks t, prover p
       WHERE NOT EXISTS (SELECT 1 FROM won) AND p.status = 'active' AND t.status = 'pending'
         AND t.mechanism IN ('fixed', 'subscription')
         AND (cardinality(p.supported_levels) = 0 OR t.privacy_level = ANY(p.supported_levels)) AND t.backend = ANY(p.backends)
         AND (t.allow_list IS NULL OR $1 = ANY(t.allow_list))
         AND (t.mechanism = 'subscription' OR p.base_price <= t.max_price) AND p.stars >= t.min_reputation
         AND (SELECT count(*) FROM tasks h WHERE h.assigned_prover = $1 AND h.status IN ('assigned', 'in_progress')) < p.capacity
         AND (t.min_stake = 0 OR (SELECT COALESCE(sum(balance) FILTER (WHERE account = $4), 0)
                >= t.min_stake + div(COALESCE(sum(balance) FILTER (WHERE account = $5), 0) * $3, 10000)
              FROM accounts WHERE account IN ($4, $5)))
         AND (NOT ($1 = ANY(t.excluded_provers)) OR NOT EXISTS (
           SELECT 1 FROM provers o WHERE o.status = 'active' AND o.prover_id <> ALL(t.excluded_provers)
             AND (cardinality(o.supported_levels) = 0 OR t.privacy_level = ANY(o.supported_levels)) AND t.backend = ANY(o.backends)))
       ORDER BY t.priority DESC, t.created_at, t.seq
       LIMIT 1 FOR UPDATE OF t SKIP LOCKED
     )
     SELECT ${COLUMNS}, false AS won FROM tasks WHERE task_id = (SELECT task_id FROM claimable)
     UNION ALL SELECT ${COLUMNS}, true AS won FROM won`,
    [proverId, at, overcommitBps, accounts.stake(proverId), accounts.locked(proverId), NEUTRAL_STARS],
  );
  if (!rows[0]) return undefined;
  const { won, ...row } = rows[0];
  return { task: fromRow(row), won };
}

export async function countHeldBy(q: Queryable, proverId: string): Promise<number> {
  const rows = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM tasks WHERE assigned_prover = $1 AND status IN ('assigned', 'in_progress')`,
    [proverId],
  );
  return rows[0]?.n ?? 0;
}

/** A new auction round's terms (a re-auction may relax the price and the reputation floor). */
export async function updateTaskTerms(q: Queryable, taskId: string, t: { round: number; max_price: bigint; min_reputation: number }): Promise<void> {
  await q.query(`UPDATE tasks SET round = $2, max_price = $3, min_reputation = $4 WHERE task_id = $1`, [taskId, t.round, t.max_price.toString(), t.min_reputation]);
}

export async function listTaskEvents(q: Queryable, taskId: string): Promise<TaskEvent[]> {
  return q.query<TaskEvent>(
    `SELECT at, from_status, to_status, cause, prover_id, detail FROM events WHERE task_id = $1 ORDER BY id`,
    [taskId],
  );
}

/**
 * Held tasks whose prover is offline, or that were assigned before `assignedBefore`; locked for update.
 * Two index-driven queries rather than one OR, which would scan every task.
 */
export async function lockStuckTasks(q: Queryable, assignedBefore: Date, limit = 500): Promise<TaskRecord[]> {
  const overdue = await q.query<TaskRow>(
    `SELECT ${COLUMNS} FROM tasks WHERE status IN ('assigned', 'in_progress') AND assigned_at < $1
     ORDER BY assigned_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [assignedBefore, limit],
  );
  const orphaned = await q.query<TaskRow>(
    `SELECT ${COLUMNS} FROM tasks WHERE status IN ('assigned', 'in_progress')
       AND assigned_prover IN (SELECT prover_id FROM provers WHERE status = 'offline')
     ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  const seen = new Set(overdue.map((r) => r.task_id));
  return [...overdue, ...orphaned.filter((r) => !seen.has(r.task_id))].map(fromRow);
}

/** Unfinished tasks past their deadline; locked for update. */
export async function lockExpiredTasks(q: Queryable, now: Date, limit = 500): Promise<TaskRecord[]> {
  const rows = await q.query<TaskRow>(
    `SELECT ${COLUMNS} FROM tasks WHERE status IN ('pending', 'assigned', 'in_progress') AND deadline < $1
     ORDER BY deadline LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
  return rows.map(fromRow);
}

export async function countTasksByStatus(q: Queryable): Promise<Record<string, number>> {
  const rows = await q.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM tasks GROUP BY status`);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

export async function listProofs(q: Queryable, taskId: string): Promise<ProofRecord[]> {
  return q.query<ProofRecord>(
    `SELECT task_id, prover_id, submitted_at, proof, verification_result, reason, quality_score, verify_ms
     FROM proofs WHERE task_id = $1 ORDER BY id`,
    [taskId],
  );
}

export async function listTasks(q: Queryable, filter: { status?: TaskStatus; limit: number }): Promise<TaskRecord[]> {
  const rows = await q.query<TaskRow>(
    `SELECT ${COLUMNS} FROM tasks WHERE ($1::text IS NULL OR status = $1) ORDER BY seq DESC LIMIT $2`,
    [filter.status ?? null, filter.limit],
  );
  return rows.map(fromRow);
}

export async function getTasks(q: Queryable, ids: string[]): Promise<TaskRecord[]> {
  if (ids.length === 0) return [];
  const rows = await q.query<TaskRow>(`SELECT ${COLUMNS} FROM tasks WHERE task_id = ANY($1)`, [ids]);
  return rows.map(fromRow);
}

/** Pending `fixed` requests (open to the first eligible taker), oldest first. */
export async function listPendingFixed(q: Queryable, filter: { backend?: string; limit: number }): Promise<TaskRecord[]> {
  const rows = await q.query<TaskRow>(
    `SELECT ${COLUMNS} FROM tasks WHERE status = 'pending' AND mechanism = 'fixed' AND ($1::text IS NULL OR backend = $1)
     ORDER BY priority DESC, created_at, seq LIMIT $2`,
    [filter.backend ?? null, filter.limit],
  );
  return rows.map(fromRow);
}

/** Pending requests on a backend (the order book's bids), at most 10,000. */
export async function pendingBids(q: Queryable, backend: string): Promise<Array<{ task_id: string; max_price: bigint }>> {
  const rows = await q.query<{ task_id: string; max_price: string }>(
    `SELECT task_id, max_price::text AS max_price FROM tasks WHERE status = 'pending' AND backend = $1 AND mechanism <> 'subscription' LIMIT 10000`,
    [backend],
  );
  return rows.map((r) => ({ task_id: r.task_id, max_price: BigInt(r.max_price) }));
}

/** Clearing prices of requests on a backend completed since `since`, newest first (at most 1,000). */
export async function clearingPricesSince(q: Queryable, backend: string, since: Date): Promise<bigint[]> {
  const rows = await q.query<{ price: string }>(
    `SELECT price::text AS price FROM tasks WHERE backend = $1 AND status = 'completed' AND price IS NOT NULL AND mechanism <> 'subscription'
       AND updated_at >= $2 ORDER BY updated_at DESC LIMIT 1000`,
    [backend, since],
  );
  return rows.map((r) => BigInt(r.price));
}
