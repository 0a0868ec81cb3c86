import type { Db, Queryable } from './db.ts';

/** One event of the outbox as the stream sends it (`id` a decimal string: a bigserial may pass 2^53). */
export interface EventWire {
  id: string;
  kind: string;
  request_id: string | null;
  prover_id: string | null;
  /** ISO 8601. */
  at: string;
  from_status: string | null;
  to_status: string | null;
  cause: string | null;
  detail: Record<string, unknown> | null;
}

/** Which events a reader wants; `kind` is an exact kind, or a prefix ending in `.` (`request.`). */
export interface EventFilter {
  request?: string;
  prover?: string;
  kind?: string;
}

interface EventRow {
  id: string;
  kind: string;
  task_id: string | null;
  prover_id: string | null;
  at: Date;
  from_status: string | null;
  to_status: string | null;
  cause: string | null;
  detail: Record<string, unknown> | null;
}

const COLUMNS = 'e.id::text AS id, e.kind, e.task_id, e.prover_id, e.at, e.from_status, e.to_status, e.cause, e.detail';

function toWire(r: EventRow): EventWire {
  return {
    id: r.id,
    kind: r.kind,
    request_id: r.task_id,
    prover_id: r.prover_id,
    at: r.at.toISOString(),
    from_status: r.from_status,
    to_status: r.to_status,
    cause: r.cause,
    detail: r.detail,
  };
}

/** Whether `e` passes `filter` (the same test as readEvents' SQL, for events already in memory). */
export function matches(e: EventWire, filter: EventFilter): boolean {
  if (filter.request !== undefined && e.request_id !== filter.request) return false;
  if (filter.prover !== undefined && e.prover_id !== filter.prover) return false;
  if (filter.kind !== undefined && !(filter.kind.endsWith('.') ? e.kind.startsWith(filter.kind) : e.kind === filter.kind)) return false;
  return true;
}

/**
 * The events with `after < id <= upTo` that pass `filter`, in id order, at most `limit`. Callers pass an `upTo`
 * below which every id is final (a ContiguousReader's head): past it, a later transaction may still commit a
 * smaller id than one returned.
 */
export async function readEvents(q: Queryable, o: { after: bigint; upTo: bigint; filter: EventFilter; limit: number }): Promise<EventWire[]> {
  const params: unknown[] = [o.after.toString(), o.upTo.toString(), o.limit];
  const where = ['e.id > $1', 'e.id <= $2'];
  if (o.filter.request !== undefined) where.push(`e.task_id = $${params.push(o.filter.request)}`);
  if (o.filter.prover !== undefined) where.push(`e.prover_id = $${params.push(o.filter.prover)}`);
  if (o.filter.kind !== undefined) {
    if (o.filter.kind.endsWith('.')) where.push(`starts_with(e.kind, $${params.push(o.filter.kind)})`);
    else where.push(`e.kind = $${params.push(o.filter.kind)}`);
  }
  const rows = await q.query<EventRow>(`SELECT ${COLUMNS} FROM events e WHERE ${where.join(' AND ')} ORDER BY e.id LIMIT $3`, params);
  return rows.map(toWire);
}

/** The highest event id written so far (0 when none). */
export async function lastEventId(q: Queryable): Promise<bigint> {
  const [row] = await q.query<{ id: string | null }>('SELECT max(id)::text AS id FROM events');
  return BigInt(row?.id ?? 0);
}

/**
 * A run of missing ids seen at one read: `from` up to (not including) `below`, the first id that read saw
 * after them. They were all drawn before that read's snapshot (a later id had committed), by transactions that
 * had an xid by then (migration 006), so each is final once every transaction `xip` lists has ended.
 */
export interface Gap {
  from: bigint;
  below: bigint;
  /** The snapshot's in-progress transactions (xid8, as text); undefined: final at once (a serialized store). */
  xip: string[] | undefined;
  final: boolean;
}

/**
 * The pure step of contiguous reading: from `head` (every id up to it delivered or final), the ids read after
 * it (ascending) and the gap known so far, which ids to deliver, the new head, and the gap that stops it (kept
 * while pending, made from `xip` when first seen). A final gap's missing ids are skipped; a pending one stops.
 */
export function advance(head: bigint, ids: readonly bigint[], gap: Gap | undefined, xip: string[] | undefined): { deliver: number; head: bigint; gap: Gap | undefined } {
  let deliver = 0;
  for (const id of ids) {
    while (id > head + 1n) {
      const missing = head + 1n;
      if (gap && missing >= gap.from && missing < gap.below) {
        if (!gap.final) return { deliver, head, gap };
        head = missing; // rolled back: skip it
        continue;
      }
      gap = { from: missing, below: id, xip, final: xip === undefined };
      if (!gap.final) return { deliver, head, gap };
    }
    head = id;
    deliver++;
  }
  return { deliver, head, gap: gap && head < gap.below - 1n ? gap : undefined };
}

/**
 * Reads every event in id order without ever passing one that may still commit (see 005/006 migrations and
 * ARCHITECTURE.md, "Event stream"). bigserial ids are drawn at insert but transactions commit in any order, so
 * a reader that saw id 11 may see id 10 later: it stops at the first missing id until that id is known final.
 * On PGlite no transaction is ever in progress during a read, so a missing id is final at once.
 */
export class ContiguousReader {
  #head: bigint;
  #gap: Gap | undefined;

  constructor(
    private readonly db: Db,
    head: bigint,
  ) {
    this.#head = head;
  }

  /** Every id up to the head has been delivered or is final. */
  get head(): bigint {
    return this.#head;
  }

  /** Whether a missing id holds the reader back: it must read again later even if nothing wakes it. */
  get waiting(): boolean {
    return this.#gap !== undefined && !this.#gap.final;
  }

  /** The next events after the head, at most `limit`, contiguous; the head moves past them. */
  async next(limit: number): Promise<EventWire[]> {
    if (this.#gap && !this.#gap.final && (await transactionsEnded(this.db, this.#gap.xip!))) this.#gap.final = true;
    // Checked before the read's snapshot: a transaction that ended before it, its rows are visible to it.
    const serialized = this.db.serialized;
    const rows = await this.db.query<EventRow & { xip: string[] | null }>(
      `SELECT ${COLUMNS}, ${serialized ? 'NULL' : 'ARRAY(SELECT pg_snapshot_xip(pg_current_snapshot())::text)'} AS xip
       FROM events e WHERE e.id > $1 ORDER BY e.id LIMIT $2`,
      [this.#head.toString(), limit],
    );
    const xip = serialized ? undefined : (rows[0]?.xip ?? []);
    const step = advance(this.#head, rows.map((r) => BigInt(r.id)), this.#gap, xip);
    this.#head = step.head;
    this.#gap = step.gap;
    return rows.slice(0, step.deliver).map(toWire);
  }
}

/** Whether every one of these transactions (xid8 as text) has committed or aborted. */
async function transactionsEnded(q: Queryable, xids: string[]): Promise<boolean> {
  if (xids.length === 0) return true;
  const [row] = await q.query<{ open: number }>(
    `SELECT count(*)::int AS open FROM unnest($1::text[]) x WHERE pg_xact_status(x::xid8) = 'in progress'`,
    [xids],
  );
  return row!.open === 0;
}

/**
 * Where a new reader starts: the highest id visible now, once every transaction in progress at that moment has
 * ended (so no id below it can still commit). On PGlite at once.
 */
export async function startingHead(db: Db, sleep: (ms: number) => Promise<void>): Promise<bigint> {
  if (db.serialized) return lastEventId(db);
  const [row] = await db.query<{ id: string | null; xip: string[] }>(
    `SELECT (SELECT max(id)::text FROM events) AS id, ARRAY(SELECT pg_snapshot_xip(pg_current_snapshot())::text) AS xip`,
  );
  for (let wait = 5; !(await transactionsEnded(db, row!.xip)); wait = Math.min(wait * 2, 200)) await sleep(wait);
  return BigInt(row!.id ?? 0);
}
