import type { AuctionState } from '../domain/market/index.ts';
import { decodeTagged, encodeTagged } from './codec.ts';
import type { Queryable } from './db.ts';

/** One auction round of a request, as stored. */
export interface AuctionRecord {
  task_id: string;
  round: number;
  mechanism: string;
  backend: string;
  open: boolean;
  state: AuctionState;
  next_deadline: Date | null;
  opened_at: Date;
  closed_at: Date | null;
}

type AuctionRow = Omit<AuctionRecord, 'state'> & { state: unknown };
const fromRow = (r: AuctionRow): AuctionRecord => ({ ...r, state: decodeTagged<AuctionState>(r.state) });
const COLUMNS = 'task_id, round, mechanism, backend, open, state, next_deadline, opened_at, closed_at';

export async function insertAuction(q: Queryable, a: AuctionRecord): Promise<void> {
  await q.query(
    `INSERT INTO auctions (${COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
    [a.task_id, a.round, a.mechanism, a.backend, a.open, encodeTagged(a.state), a.next_deadline, a.opened_at, a.closed_at],
  );
}

/** Writes a round's new state (and whether it is still open). */
export async function saveAuction(q: Queryable, a: AuctionRecord): Promise<void> {
  await q.query(
    `UPDATE auctions SET open = $3, state = $4, next_deadline = $5, closed_at = $6 WHERE task_id = $1 AND round = $2`,
    [a.task_id, a.round, a.open, encodeTagged(a.state), a.next_deadline, a.closed_at],
  );
}

/** The request's latest round (or the given one); `lock` takes its row lock for the transaction. */
export async function getAuction(q: Queryable, taskId: string, round?: number, lock = false): Promise<AuctionRecord | undefined> {
  const rows = await q.query<AuctionRow>(
    `SELECT ${COLUMNS} FROM auctions WHERE task_id = $1 AND ($2::int IS NULL OR round = $2)
     ORDER BY round DESC LIMIT 1${lock ? ' FOR UPDATE' : ''}`,
    [taskId, round ?? null],
  );
  return rows[0] && fromRow(rows[0]);
}

/** Open rounds whose next deadline has come, locked (others skip them). */
export async function lockDueAuctions(q: Queryable, now: Date, limit = 200): Promise<AuctionRecord[]> {
  const rows = await q.query<AuctionRow>(
    `SELECT ${COLUMNS} FROM auctions WHERE open AND next_deadline <= $1 ORDER BY next_deadline LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
  return rows.map(fromRow);
}

export async function listAuctions(q: Queryable, filter: { open?: boolean; backend?: string; limit: number }): Promise<AuctionRecord[]> {
  const rows = await q.query<AuctionRow>(
    `SELECT ${COLUMNS} FROM auctions WHERE ($1::boolean IS NULL OR open = $1) AND ($2::text IS NULL OR backend = $2)
     ORDER BY opened_at ${filter.open ? 'ASC' : 'DESC'} LIMIT $3`,
    [filter.open ?? null, filter.backend ?? null, filter.limit],
  );
  return rows.map(fromRow);
}

/** Pending auctioned requests with no open round (their winner failed or released them): they need one. */
export async function tasksNeedingRound(q: Queryable, limit = 200): Promise<string[]> {
  const rows = await q.query<{ task_id: string }>(
    `SELECT t.task_id FROM tasks t WHERE t.status = 'pending' AND t.mechanism <> 'fixed'
       AND NOT EXISTS (SELECT 1 FROM auctions a WHERE a.task_id = t.task_id AND a.open)
     ORDER BY t.seq LIMIT $1`,
    [limit],
  );
  return rows.map((r) => r.task_id);
}
