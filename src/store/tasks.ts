import { assertTransition, type TaskStatus, type TransitionCause } from '../domain/task.ts';
import { conflict } from '../domain/errors.ts';
import type { Queryable } from './db.ts';

export interface TaskRecord {
  task_id: string;
  privacy_level: number;
  circuit_data: Uint8Array;
  reward_amount: bigint;
  requester: string;
  priority: number;
  program_id: string;
  expected_public_signals: string[];
  status: TaskStatus;
  assigned_prover: string | null;
  assigned_at: Date | null;
  attempts: number;
  excluded_provers: string[];
  deadline: Date;
  request_hash: string;
  created_at: Date;
  updated_at: Date;
  /** Market terms (seed tasks: `fixed` at max_price = reward_amount, on their program's system). */
  backend: string;
  mechanism: string;
  max_price: bigint;
  min_reputation: number;
  allow_list: string[] | null;
  /** The rest of the terms as sent: the auction spec, the re-auction policy, the subscription. */
  terms: Record<string, unknown> | null;
  /** The clearing price once won. */
  price: bigint | null;
  /** False while a won request waits for its winner's next poll. */
  handed_out: boolean;
  round: number;
  /** Stake the winner must have free, locked while it holds the request (0: none). */
  min_stake: bigint;
}

export interface TaskEvent {
  at: Date;
  from_status: TaskStatus | null;
  to_status: TaskStatus;
  cause: TransitionCause;
  prover_id: string | null;
  detail: Record<string, unknown> | null;
}

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
 * not yet picked up; otherwise it claims the next `fixed` request the prover may take — the pull model: the
 * first eligible prover wins at the fixed price — or a request under a subscription to it (allow-listed to
 * it, at no per-proof price). Eligible: pending, on a backend and privacy level it
 * supports, while it holds fewer tasks than its capacity, on the allow list if there is one, its base price
 * within the request's max price, its cached reputation (2.5 stars without history) at least the request's
 * minimum. Highest priority first, then oldest. A prover whose proof for a task was rejected is not offered
 * it again while another active prover that supports its level exists (alone, it may try again, up to the
 * attempt limit). Returns the task, or undefined when there was nothing for it.
 *
 * SKIP LOCKED lets concurrent polls (also from other coordinator processes) pass over a row another
 * transaction is claiming, so no task is handed out twice. The capacity check counts with the statement's
 * snapshot: where statements can run concurrently (PostgreSQL), the caller must already hold the prover's
 * row lock (`lockProver`) in the same transaction, so that the snapshot includes every earlier claim.
 */
export async function pollAndClaim(q: Queryable, proverId: string, at: Date, overcommitBps = 10_000): Promise<(TaskRecord & { fresh: boolean }) | undefined> {
  assertTransition('pending', 'assigned');
  const rows = await q.query<TaskRow & { fresh: boolean }>(
    `WITH prover AS (
       UPDATE provers SET last_heartbeat_at = $2, updated_at = $2,
         status = CASE WHEN status IN ('busy', 'suspended') THEN status ELSE 'active' END
       WHERE prover_id = $1
       RETURNING status, capacity, supported_levels, backends, base_price, COALESCE(reputation_stars, 2.5) AS stars
     ), won AS (
       UPDATE tasks SET handed_out = true, updated_at = $2
       WHERE task_id = (SELECT w.task_id FROM tasks w WHERE w.assigned_prover = $1 AND NOT w.handed_out
         AND w.status = 'assigned' ORDER BY w.priority DESC, w.created_at, w.seq LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING tasks.*
     ), next AS (
       SELECT t.task_id FROM tasks t, prover p
       WHERE NOT EXISTS (SELECT 1 FROM won) AND p.status = 'active' AND t.status = 'pending'
         AND t.mechanism IN ('fixed', 'subscription')
         AND t.privacy_level = ANY(p.supported_levels) AND t.backend = ANY(p.backends)
         AND (t.allow_list IS NULL OR $1 = ANY(t.allow_list))
         AND (t.mechanism = 'subscription' OR p.base_price <= t.max_price) AND p.stars >= t.min_reputation
         AND (SELECT count(*) FROM tasks h WHERE h.assigned_prover = $1 AND h.status IN ('assigned', 'in_progress')) < p.capacity
         AND (t.min_stake = 0 OR (SELECT COALESCE(sum(balance) FILTER (WHERE account = 'stake:' || $1), 0)
                >= t.min_stake + div(COALESCE(sum(balance) FILTER (WHERE account = 'locked:' || $1), 0) * $3, 10000)
              FROM accounts WHERE account IN ('stake:' || $1, 'locked:' || $1)))
         AND (NOT ($1 = ANY(t.excluded_provers)) OR NOT EXISTS (
           SELECT 1 FROM provers o WHERE o.status = 'active' AND o.prover_id <> ALL(t.excluded_provers)
             AND t.privacy_level = ANY(o.supported_levels) AND t.backend = ANY(o.backends)))
       ORDER BY t.priority DESC, t.created_at, t.seq
       LIMIT 1 FOR UPDATE OF t SKIP LOCKED
     ), claimed AS (
       UPDATE tasks SET status = 'assigned', assigned_prover = $1, assigned_at = $2, updated_at = $2,
         price = tasks.max_price, handed_out = true
       FROM next WHERE tasks.task_id = next.task_id AND tasks.status = 'pending'
       RETURNING tasks.*
     ), event AS (
       INSERT INTO events (kind, task_id, at, from_status, to_status, cause, prover_id, detail)
       SELECT 'request.assigned', task_id, $2, 'pending', 'assigned', 'assigned', $1, jsonb_build_object('price', max_price::text) FROM claimed
     )
     SELECT ${COLUMNS}, true AS fresh FROM claimed UNION ALL SELECT ${COLUMNS}, false AS fresh FROM won`,
    [proverId, at, overcommitBps],
  );
  if (!rows[0]) return undefined;
  // fresh: claimed by this poll (its stake is still to lock); else a won request handed out
  const { fresh, ...row } = rows[0];
  return { ...fromRow(row), fresh };
}

/**
 * Claims one given `fixed` request for a prover whose eligibility the caller has checked (a take through
 * the auction API), in one statement that also re-checks it is still pending and within the prover's
 * capacity. Returns the task, or undefined if it was no longer available.
 */
export async function claimTask(q: Queryable, taskId: string, proverId: string, capacity: number, price: bigint, at: Date): Promise<TaskRecord | undefined> {
  assertTransition('pending', 'assigned');
  const rows = await q.query<TaskRow>(
    `WITH claimed AS (
       UPDATE tasks SET status = 'assigned', assigned_prover = $2, assigned_at = $4, updated_at = $4, price = $5,
         handed_out = false
       WHERE task_id = $1 AND status = 'pending'
         AND (SELECT count(*) FROM tasks h WHERE h.assigned_prover = $2 AND h.status IN ('assigned', 'in_progress')) < $3
       RETURNING tasks.*
     ), event AS (
       INSERT INTO events (kind, task_id, at, from_status, to_status, cause, prover_id, detail)
       SELECT 'request.auction_won', task_id, $4, 'pending', 'assigned', 'auction_won', $2, jsonb_build_object('price', $5::text, 'round', round) FROM claimed
     )
     SELECT ${COLUMNS} FROM claimed`,
    [taskId, proverId, capacity, at, price.toString()],
  );
  return rows[0] && fromRow(rows[0]);
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

export interface TaskChanges {
  assigned_prover?: string | null;
  assigned_at?: Date | null;
  attempts?: number;
  excluded_provers?: string[];
  price?: bigint | null;
  handed_out?: boolean;
  round?: number;
  max_price?: bigint;
  min_reputation?: number;
}

/**
 * The one way a task changes status: checks the lifecycle allows it, updates the row only if it is still
 * in the status the caller saw (so a racing writer cannot be overwritten), and appends the history event.
 */
export async function moveTask(
  q: Queryable,
  task: TaskRecord,
  to: TaskStatus,
  cause: TransitionCause,
  at: Date,
  changes: TaskChanges = {},
  event: { prover_id?: string | null; detail?: Record<string, unknown> | null } = {},
): Promise<TaskRecord> {
  assertTransition(task.status, to);
  const next: TaskRecord = { ...task, ...changes, status: to, updated_at: at };
  const rows = await q.query(
    `UPDATE tasks SET status = $3, assigned_prover = $4, assigned_at = $5, attempts = $6, excluded_provers = $7,
       updated_at = $8, price = $9, handed_out = $10, round = $11, max_price = $12, min_reputation = $13
     WHERE task_id = $1 AND status = $2 RETURNING task_id`,
    [task.task_id, task.status, next.status, next.assigned_prover, next.assigned_at, next.attempts, next.excluded_provers, at,
      next.price?.toString() ?? null, next.handed_out, next.round, next.max_price.toString(), next.min_reputation],
  );
  if (rows.length === 0) throw conflict('task_changed', `task ${task.task_id} changed while it was being updated; retry`);
  await insertEvent(q, task.task_id, {
    at,
    from_status: task.status,
    to_status: to,
    cause,
    prover_id: event.prover_id ?? next.assigned_prover ?? task.assigned_prover,
    detail: event.detail ?? null,
  });
  return next;
}

/**
 * Stores a proof and moves its task, in one statement (atomic without a transaction, one round trip instead
 * of the six of a transaction with a locked read, the proof insert, `moveTask`'s update and its event).
 *
 * The same transition check as `moveTask`, with a stricter optimistic check: the row is written only if it
 * still holds every value of `task` that the caller's decision was computed from — its status, holder,
 * assignment time, attempts and exclusions. (PostgreSQL re-checks that condition on the newest row version if
 * another transaction is writing it, so a racing sweep or a second result cannot be overwritten.) Returns
 * the moved task, or undefined, having written nothing, if the task changed since it was read: the caller
 * then re-reads it under lock.
 */
export async function recordProofAndMove(
  q: Queryable,
  task: TaskRecord,
  proof: Omit<ProofRecord, 'task_id'>,
  to: TaskStatus,
  cause: TransitionCause,
  at: Date,
  changes: TaskChanges = {},
  event: { prover_id?: string | null; detail?: Record<string, unknown> | null } = {},
  observation?: ReputationObservation,
): Promise<TaskRecord | undefined> {
  assertTransition(task.status, to);
  const next: TaskRecord = { ...task, ...changes, status: to, updated_at: at };
  const rows = await q.query(
    `WITH moved AS (
       UPDATE tasks SET status = $3, assigned_prover = $4, assigned_at = $5, attempts = $6, excluded_provers = $7,
         updated_at = $8, price = $23
       WHERE task_id = $1 AND status = $2 AND assigned_prover IS NOT DISTINCT FROM $9
         AND assigned_at IS NOT DISTINCT FROM $10::timestamptz AND attempts = $11 AND excluded_provers = $12::text[]
       RETURNING task_id
     ), proof AS (
       INSERT INTO proofs (task_id, prover_id, submitted_at, proof, verification_result, reason, quality_score, verify_ms)
       SELECT task_id, $13::text, $14::timestamptz, $15::bytea, $16::text, $17::text, $18::float8, $19::float8 FROM moved
     ), event AS (
       INSERT INTO events (kind, task_id, at, from_status, to_status, cause, prover_id, detail)
       SELECT 'request.' || $20::text, task_id, $8, $2, $3, $20::text, $21::text, $22::jsonb FROM moved
     ), observation AS (
       INSERT INTO reputation_events (prover_id, task_id, at, success, quality, expected_ms, actual_ms, cause)
       SELECT $13::text, task_id, $8, $24::boolean, $18::float8, $25::float8, $26::float8, $20::text FROM moved WHERE $24::boolean IS NOT NULL
     )
     SELECT task_id FROM moved`,
    [
      task.task_id, task.status, next.status, next.assigned_prover, next.assigned_at, next.attempts, next.excluded_provers, at,
      task.assigned_prover, task.assigned_at, task.attempts, task.excluded_provers,
      proof.prover_id, proof.submitted_at, proof.proof, proof.verification_result, proof.reason, proof.quality_score, proof.verify_ms,
      cause, event.prover_id ?? next.assigned_prover ?? task.assigned_prover, event.detail == null ? null : JSON.stringify(event.detail),
      next.price?.toString() ?? null, observation?.success ?? null, observation?.expected_ms ?? null, observation?.actual_ms ?? null,
    ],
  );
  return rows.length === 1 ? next : undefined;
}

/** What one settled attempt says about its prover (the input of `reputationOf`). */
export interface ReputationObservation {
  success: boolean;
  expected_ms: number;
  actual_ms: number;
}

async function insertEvent(q: Queryable, taskId: string, e: TaskEvent): Promise<void> {
  await q.query(
    `INSERT INTO events (kind, task_id, at, from_status, to_status, cause, prover_id, detail) VALUES ('request.' || $5::text,$1,$2,$3,$4,$5,$6,$7)`,
    [taskId, e.at, e.from_status, e.to_status, e.cause, e.prover_id, e.detail === null ? null : JSON.stringify(e.detail)],
  );
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

export interface ProofRecord {
  task_id: string;
  prover_id: string;
  submitted_at: Date;
  proof: Uint8Array;
  verification_result: 'Pass' | 'Fail';
  reason: string | null;
  quality_score: number;
  verify_ms: number;
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
