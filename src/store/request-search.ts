import type { TaskStatus } from '../domain/task.ts';
import type { Queryable } from './db.ts';

/** The filters of the request history (`GET /v1/requests`); all optional, combined with AND. */
export interface RequestSearch {
  /** A request status (`expired` matches none: this coordinator fails expired requests). */
  status?: string;
  requester?: string;
  program_id?: string;
  backend?: string;
  prover?: string;
  from?: Date;
  to?: Date;
  /** The start of a request id, requester, program id or prover id. */
  text?: string;
  offset: number;
  limit: number;
}

export interface RequestSummaryRow {
  task_id: string;
  requester: string;
  program_id: string;
  backend: string;
  status: TaskStatus;
  mechanism: string;
  max_price: bigint;
  price: bigint | null;
  assigned_prover: string | null;
  round: number;
  attempts: number;
  created_at: Date;
  updated_at: Date;
}

/** `%` and `_` match themselves in a LIKE prefix. */
const likePrefix = (text: string) => `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * One page of requests, newest first, and how many match in all. Only the summary's columns are read (never
 * the input bytes), so a page costs the same at any depth of a 100,000-row history but for the offset's walk of
 * the created_at index.
 */
export async function searchRequests(q: Queryable, f: RequestSearch): Promise<{ total: number; rows: RequestSummaryRow[] }> {
  const where = `($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR requester = $2) AND ($3::text IS NULL OR program_id = $3)
    AND ($4::text IS NULL OR backend = $4) AND ($5::text IS NULL OR assigned_prover = $5)
    AND ($6::timestamptz IS NULL OR created_at >= $6) AND ($7::timestamptz IS NULL OR created_at <= $7)
    AND ($8::text IS NULL OR task_id LIKE $8 OR requester LIKE $8 OR program_id LIKE $8 OR assigned_prover LIKE $8)`;
  const params = [f.status ?? null, f.requester ?? null, f.program_id ?? null, f.backend ?? null, f.prover ?? null,
    f.from ?? null, f.to ?? null, f.text === undefined ? null : likePrefix(f.text)];
  const [count] = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE ${where}`, params);
  const rows = await q.query<Omit<RequestSummaryRow, 'max_price' | 'price'> & { max_price: string; price: string | null }>(
    `SELECT task_id, requester, program_id, backend, status, mechanism, max_price::text AS max_price, price::text AS price,
       assigned_prover, round, attempts, created_at, updated_at
     FROM tasks WHERE ${where} ORDER BY created_at DESC, seq DESC OFFSET $9 LIMIT $10`,
    [...params, f.offset, f.limit],
  );
  return {
    total: count?.n ?? 0,
    rows: rows.map((r) => ({ ...r, max_price: BigInt(r.max_price), price: r.price === null ? null : BigInt(r.price) })),
  };
}

/** What the escrow accounts of a requester's requests hold now (the most its open requests can still pay). */
export async function escrowHeldBy(q: Queryable, requester: string): Promise<bigint> {
  const [row] = await q.query<{ held: string }>(
    `SELECT COALESCE(sum(a.balance), 0)::text AS held FROM tasks t JOIN accounts a ON a.account = 'escrow:' || t.task_id
     WHERE t.requester = $1 AND a.balance > 0`,
    [requester],
  );
  return BigInt(row?.held ?? '0');
}
