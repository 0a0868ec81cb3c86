import type { StatsProverRow, StatsRequestRow, StatsSettleCredit, StatsSlashRows } from '../domain/analytics.ts';
import type { TaskStatus } from '../domain/task.ts';
import type { Db, Queryable } from './db.ts';
import { listProvers } from './provers.ts';

/** Everything `computeStats` needs for the window `[from, to]`. */
export interface StatsRows {
  requests: StatsRequestRow[];
  provers: StatsProverRow[];
  settle_credits: StatsSettleCredit[];
  slashes: StatsSlashRows;
}

/**
 * Reads the rows of one stats window, in one read-only transaction (REPEATABLE READ on PostgreSQL, so every
 * figure comes from the same snapshot): the requests created in the window with their first assignment and
 * verification times from `events`, every prover as it stands, what `settle` movements dated in the
 * window credited to the treasury and to `earnings:*` accounts (summed per account), and the window's slashes.
 */
export async function readStatsRows(db: Db, window: { from: Date; to: Date }): Promise<StatsRows> {
  return db.transaction(async (tx) => {
    if (db.kind === 'postgres') await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const requests = await requestsCreatedIn(tx, window);
    const provers = (await listProvers(tx)).map((p) => ({
      prover_id: p.prover_id,
      name: p.name,
      status: p.status,
      capacity: p.capacity,
      held: p.active_tasks,
      reputation: p.reputation_stars,
    }));
    return { requests, provers, settle_credits: await settleCredits(tx, window), slashes: await slashesIn(tx, window) };
  });
}

/**
 * Requests created in `[from, to]`, with the times of their first assignment and of their verified proof, and
 * for failed ones the cause of the failure (from their history).
 */
export async function requestsCreatedIn(q: Queryable, w: { from: Date; to: Date }): Promise<StatsRequestRow[]> {
  const rows = await q.query<{
    task_id: string;
    status: TaskStatus;
    backend: string;
    mechanism: string;
    price: string | null;
    created_at: Date;
    assigned_prover: string | null;
    first_assigned_at: Date | null;
    completed_at: Date | null;
    failure_cause: string | null;
  }>(
    `SELECT t.task_id, t.status, t.backend, t.mechanism, t.price::text AS price, t.created_at, t.assigned_prover,
       (SELECT min(e.at) FROM events e WHERE e.task_id = t.task_id AND e.to_status = 'assigned') AS first_assigned_at,
       (SELECT min(e.at) FROM events e WHERE e.task_id = t.task_id AND e.to_status = 'completed') AS completed_at,
       CASE WHEN t.status = 'failed' THEN (SELECT e.cause FROM events e WHERE e.task_id = t.task_id AND e.to_status = 'failed'
         ORDER BY e.id DESC LIMIT 1) END AS failure_cause
     FROM tasks t WHERE t.created_at >= $1 AND t.created_at <= $2`,
    [w.from, w.to],
  );
  return rows.map((r) => ({
    request_id: r.task_id,
    status: r.status,
    backend: r.backend,
    mechanism: r.mechanism,
    price: r.price === null ? null : BigInt(r.price),
    created_at: r.created_at,
    first_assigned_at: r.first_assigned_at,
    completed_at: r.completed_at,
    assigned_prover: r.assigned_prover,
    failure_cause: r.failure_cause,
  }));
}

/** Positive entries of `settle` movements dated in `[from, to]` to the treasury and to `earnings:*`, per account. */
export async function settleCredits(q: Queryable, w: { from: Date; to: Date }): Promise<StatsSettleCredit[]> {
  const rows = await q.query<{ account: string; amount: string }>(
    `SELECT e.account, sum(e.amount)::text AS amount
     FROM ledger_movements m JOIN ledger_entries e ON e.movement_id = m.id
     WHERE m.kind = 'settle' AND m.at >= $1 AND m.at <= $2 AND e.amount > 0
       AND (e.account = 'treasury' OR e.account LIKE 'earnings:%')
     GROUP BY e.account ORDER BY e.account`,
    [w.from, w.to],
  );
  return rows.map((r) => ({ account: r.account, amount: BigInt(r.amount) }));
}

/** Slashes dated in `[from, to]`: those standing (count and amount) and how many the operator reversed. */
export async function slashesIn(q: Queryable, w: { from: Date; to: Date }): Promise<StatsSlashRows> {
  const rows = await q.query<{ count: number; amount: string; reversed: number }>(
    `SELECT count(*) FILTER (WHERE reversed_at IS NULL)::int AS count,
       COALESCE(sum(amount) FILTER (WHERE reversed_at IS NULL), 0)::text AS amount,
       count(*) FILTER (WHERE reversed_at IS NOT NULL)::int AS reversed
     FROM slashes WHERE at >= $1 AND at <= $2`,
    [w.from, w.to],
  );
  const r = rows[0];
  return { count: r?.count ?? 0, amount: BigInt(r?.amount ?? '0'), reversed: r?.reversed ?? 0 };
}
