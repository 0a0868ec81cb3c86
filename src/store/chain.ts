/**
 * What the chain indexer keeps (migration 007): its cursor per source, and the requests and jobs the contracts'
 * events described. Applying a log is `claimLog` (the cursor moves past it, or nothing happens when another
 * transaction already did) followed by the log's writes, all in one transaction.
 */
import type { Queryable } from './db.ts';

export interface ChainCursor {
  /** The last log applied: (block, log index); (-1, -1) before the first. */
  block: bigint;
  logIndex: number;
  /** Every log up to this block is applied. */
  scannedBlock: bigint;
  scannedHash: string | null;
}

type CursorRow = { block_number: string; log_index: number; scanned_block: string; scanned_hash: string | null };
const cursorOf = (r: CursorRow): ChainCursor => ({ block: BigInt(r.block_number), logIndex: r.log_index, scannedBlock: BigInt(r.scanned_block), scannedHash: r.scanned_hash });

/** The source's cursor, created (scanned up to startBlock − 1) on first use. */
export async function ensureCursor(q: Queryable, source: string, startBlock: bigint, at: Date): Promise<ChainCursor> {
  await q.query(
    `INSERT INTO chain_cursors (source, block_number, log_index, scanned_block, updated_at) VALUES ($1, -1, -1, $2, $3) ON CONFLICT (source) DO NOTHING`,
    [source, (startBlock - 1n).toString(), at],
  );
  return (await readCursor(q, source))!;
}

export async function readCursor(q: Queryable, source: string): Promise<ChainCursor | undefined> {
  const [row] = await q.query<CursorRow>(`SELECT block_number::text, log_index, scanned_block::text, scanned_hash FROM chain_cursors WHERE source = $1`, [source]);
  return row && cursorOf(row);
}

/**
 * Moves the cursor to (block, logIndex) if it is before it, locking the cursor's row until the transaction ends.
 * False when the log is already applied: the caller then writes nothing.
 */
export async function claimLog(q: Queryable, source: string, block: bigint, logIndex: number, at: Date): Promise<boolean> {
  const rows = await q.query(
    `UPDATE chain_cursors SET block_number = $2, log_index = $3, updated_at = $4
     WHERE source = $1 AND (block_number, log_index) < ($2::numeric, $3::integer) RETURNING source`,
    [source, block.toString(), logIndex, at],
  );
  return rows.length === 1;
}

/** Every log up to `block` (whose hash is `hash`) is applied. Never moves back. */
export async function markScanned(q: Queryable, source: string, block: bigint, hash: string, at: Date): Promise<void> {
  await q.query(
    `UPDATE chain_cursors SET scanned_block = $2, scanned_hash = $3, updated_at = $4 WHERE source = $1 AND scanned_block <= $2::numeric`,
    [source, block.toString(), hash, at],
  );
}

export type ChainRequestStatus = 'open' | 'locked' | 'fulfilled' | 'refunded' | 'cancelled';

export interface ChainRequest {
  request_id: string;
  requester: string;
  program_id: string;
  max_price: string;
  min_stake: string;
  deadline: Date;
  commitment: string;
  status: ChainRequestStatus;
  prover: string | null;
  price: string | null;
  created_tx: string;
  settled_tx: string | null;
}

const REQUEST_COLUMNS = `request_id, requester, program_id, max_price::text, min_stake::text, deadline, commitment, status, prover, price::text, created_tx, settled_tx`;

export async function insertChainRequest(q: Queryable, r: Omit<ChainRequest, 'status' | 'prover' | 'price' | 'settled_tx'>, at: Date): Promise<void> {
  await q.query(
    `INSERT INTO chain_requests (request_id, requester, program_id, max_price, min_stake, deadline, commitment, status, created_tx, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9)`,
    [r.request_id, r.requester, r.program_id, r.max_price, r.min_stake, r.deadline, r.commitment, r.created_tx, at],
  );
}

export async function updateChainRequest(q: Queryable, requestId: string, change: { status: ChainRequestStatus; prover?: string; price?: string; settled_tx?: string }, at: Date): Promise<void> {
  await q.query(
    `UPDATE chain_requests SET status = $2, prover = COALESCE($3, prover), price = COALESCE($4::numeric, price), settled_tx = COALESCE($5, settled_tx), updated_at = $6 WHERE request_id = $1`,
    [requestId, change.status, change.prover ?? null, change.price ?? null, change.settled_tx ?? null, at],
  );
}

export async function getChainRequest(q: Queryable, requestId: string): Promise<ChainRequest | undefined> {
  const [row] = await q.query<ChainRequest>(`SELECT ${REQUEST_COLUMNS} FROM chain_requests WHERE request_id = $1`, [requestId.toLowerCase()]);
  return row;
}

export async function listChainRequests(q: Queryable, status?: ChainRequestStatus): Promise<ChainRequest[]> {
  return q.query<ChainRequest>(`SELECT ${REQUEST_COLUMNS} FROM chain_requests WHERE ($1::text IS NULL OR status = $1) ORDER BY request_id`, [status ?? null]);
}

export async function upsertChainJob(q: Queryable, j: { job_key: string; job_id: string; depositor: string; status: 'funded' | 'released' | 'cancelled' }, at: Date): Promise<void> {
  await q.query(
    `INSERT INTO chain_jobs (job_key, job_id, depositor, status, updated_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (job_key) DO UPDATE SET status = EXCLUDED.status, updated_at = EXCLUDED.updated_at`,
    [j.job_key, j.job_id, j.depositor, j.status, at],
  );
}

export async function listChainJobs(q: Queryable): Promise<Array<{ job_key: string; job_id: string; depositor: string; status: string }>> {
  return q.query(`SELECT job_key, job_id, depositor, status FROM chain_jobs ORDER BY job_key`);
}

export interface ChainSettlementRow {
  request_id: string;
  status: 'fulfilled' | 'refunded' | 'cancelled';
  requester: string;
  prover: string | null;
  price: string | null;
  max_price: string;
  created_tx: string;
  settled_tx: string;
  at: Date;
}

/** The latest settled requests (a settling log seen), newest first. */
export async function latestChainSettlements(q: Queryable, limit: number): Promise<ChainSettlementRow[]> {
  return q.query<ChainSettlementRow>(
    `SELECT request_id, status, requester, prover, price::text, max_price::text, created_tx, settled_tx, updated_at AS at
     FROM chain_requests WHERE settled_tx IS NOT NULL ORDER BY updated_at DESC, request_id LIMIT $1`,
    [limit],
  );
}

/** How many of the contract's requests are in each status. */
export async function countChainRequests(q: Queryable): Promise<Record<string, number>> {
  const rows = await q.query<{ status: string; n: string }>(`SELECT status, count(*)::text AS n FROM chain_requests GROUP BY status`);
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
/** An assignment of a request escrowed on chain that ProofMarket has not seen locked yet. */
export interface ChainLockDue {
  task_id: string;
  request_id: string;
  /** The holder's owner: the address its stake is on chain under. */
  prover: string;
  price: string;
}

/**
 * Requests held by a prover off chain (assigned or in progress) whose on-chain request is still open and
 * unlocked: the matchmaker's to-do list. Provers without an owner (registered unsigned) have no address to lock.
 */
export async function chainLocksDue(q: Queryable): Promise<ChainLockDue[]> {
  return q.query<ChainLockDue>(
    `SELECT t.task_id, c.request_id, p.owner AS prover, COALESCE(t.price, t.max_price)::text AS price
     FROM chain_requests c
     JOIN tasks t ON t.terms->'chain'->>'request_id' = c.request_id
     JOIN provers p ON p.prover_id = t.assigned_prover
     WHERE c.status = 'open' AND t.status IN ('assigned', 'in_progress') AND p.owner IS NOT NULL
     ORDER BY t.assigned_at`,
  );
}
