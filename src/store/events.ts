import type { EventFilter, MarketEvent as EventWire } from '../domain/events.ts';
import type { Db, Queryable } from './db.ts';

// The wire types are the domain's; re-exported for the store's importers.
export type { EventFilter, EventWire };

interface EventRow {
  id: string;
  kind: string;
  task_id: string | null;
  job_id: string | null;
  prover_id: string | null;
  at: Date;
  from_status: string | null;
  to_status: string | null;
  cause: string | null;
  detail: Record<string, unknown> | null;
}

const COLUMNS = 'e.id::text AS id, e.kind, e.task_id, e.job_id, e.prover_id, e.at, e.from_status, e.to_status, e.cause, e.detail';

function toWire(r: EventRow): EventWire {
  return {
    id: r.id,
    kind: r.kind,
    request_id: r.task_id,
    ...(r.job_id === null ? {} : { job_id: r.job_id }),
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
  if (filter.job !== undefined && e.job_id !== filter.job) return false;
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
  if (o.filter.job !== undefined) where.push(`e.job_id = $${params.push(o.filter.job)}`);
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
 * The transactions that may still commit an id missing from a read: those in progress when it was taken. A
 * snapshot lists them only below its `xmax` (one past the latest completed xid); a transaction that got its xid
 * after that is running too but not listed, so the range from `xmax` up to `next` (an xid assigned after the
 * read) is checked as well.
 */
export interface Running {
  /** pg_snapshot_xip of the read's snapshot (xid8, as text). */
  xip: string[];
  xmax: string;
  /** Set when a gap is first seen: an xid assigned after the read. */
  next?: string;
}

/**
 * Missing ids seen at one read: from `from` up to (not including) `below`, the last id that read saw. All were
 * drawn before that read's snapshot (a later id had committed), by transactions that had an xid by then
 * (migration 006), so each is final once every transaction of `running` has ended.
 */
export interface Gap {
  from: bigint;
  below: bigint;
  /** Undefined: final at once (a serialized store: nothing is in progress during a read). */
  running: Running | undefined;
  final: boolean;
}

/**
 * The pure step of contiguous reading: from `head` (every id up to it delivered or final), the ids read after
 * it (ascending) and the gap known so far, which ids to deliver, the new head, and the gap that stops it (kept
 * while pending, made from the read's `running` when first seen). A final gap's missing ids are skipped; a
 * pending one stops the reader.
 */
export function advance(head: bigint, ids: readonly bigint[], gap: Gap | undefined, running: Running | undefined): { deliver: number; head: bigint; gap: Gap | undefined } {
  let deliver = 0;
  for (const id of ids) {
    while (id > head + 1n) {
      const missing = head + 1n;
      if (gap && missing >= gap.from && missing < gap.below) {
        if (!gap.final) return { deliver, head, gap };
        head = missing; // rolled back: skip it
        continue;
      }
      gap = { from: missing, below: ids.at(-1)!, running, final: running === undefined };
      if (!gap.final) return { deliver, head, gap };
    }
    head = id;
    deliver++;
  }
  return { deliver, head, gap: gap && head < gap.below - 1n ? gap : undefined };
}

/**
 * Reads every event in id order without ever passing one that may still commit (see the 005 and 006
 * migrations, and ARCHITECTURE.md). bigserial ids are drawn at insert but transactions commit in any order, so a
 * reader that saw id 11 may see id 10 later: it stops at the first missing id until that id is known final.
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
    // Checked before the read's snapshot: a transaction that ended before it, its rows are visible to it.
    if (this.#gap && !this.#gap.final && (await transactionsEnded(this.db, this.#gap.running!))) this.#gap.final = true;
    const serialized = this.db.serialized;
    const rows = await this.db.query<EventRow & { xip: string[] | null; xmax: string | null }>(
      `SELECT ${COLUMNS}, ${serialized ? 'NULL AS xip, NULL AS xmax' : `${SNAPSHOT_XIP} AS xip, ${SNAPSHOT_XMAX} AS xmax`}
       FROM events e WHERE e.id > $1 ORDER BY e.id LIMIT $2`,
      [this.#head.toString(), limit],
    );
    const running = serialized || !rows[0] ? undefined : { xip: rows[0].xip ?? [], xmax: rows[0].xmax! };
    const step = advance(this.#head, rows.map((r) => BigInt(r.id)), this.#gap, running);
    if (step.gap && step.gap !== this.#gap && !step.gap.final) step.gap.running!.next = await nextXid(this.db);
    this.#head = step.head;
    this.#gap = step.gap;
    return rows.slice(0, step.deliver).map(toWire);
  }
}

const SNAPSHOT_XIP = 'ARRAY(SELECT pg_snapshot_xip(pg_current_snapshot())::text)';
const SNAPSHOT_XMAX = 'pg_snapshot_xmax(pg_current_snapshot())::text';

/** An xid assigned now (to a transaction that commits at once): above every xid assigned before. */
async function nextXid(q: Queryable): Promise<string> {
  const [row] = await q.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
  return row!.xid;
}

/** Whether every transaction of `running` has committed or aborted. */
async function transactionsEnded(q: Queryable, running: Running): Promise<boolean> {
  const [row] = await q.query<{ open: number }>(
    `SELECT count(*)::int AS open FROM (
       SELECT x::xid8 AS x FROM unnest($1::text[]) x
       UNION ALL SELECT g::text::xid8 FROM generate_series($2::bigint, $3::bigint - 1) g
     ) t WHERE pg_xact_status(x) = 'in progress'`,
    [running.xip, running.xmax, running.next ?? running.xmax],
  );
  return row!.open === 0;
}

/**
 * Where a new reader starts: the highest id visible now, once every transaction in progress at that moment has
 * ended (so no id below it can still commit). On PGlite at once.
 */
export async function startingHead(db: Db, sleep: (ms: number) => Promise<void>): Promise<bigint> {
  if (db.serialized) return lastEventId(db);
  const [row] = await db.query<{ id: string | null; xip: string[]; xmax: string }>(
    `SELECT (SELECT max(id)::text FROM events) AS id, ${SNAPSHOT_XIP} AS xip, ${SNAPSHOT_XMAX} AS xmax`,
  );
  const running: Running = { xip: row!.xip, xmax: row!.xmax, next: await nextXid(db) };
  for (let wait = 5; !(await transactionsEnded(db, running)); wait = Math.min(wait * 2, 200)) await sleep(wait);
  return BigInt(row!.id ?? 0);
}
