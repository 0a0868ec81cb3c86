import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The one SQL interface of the coordinator. Two implementations run the same SQL (PostgreSQL 15's
 * dialect): PGlite embedded in the process (the default, persisted to a directory) and a PostgreSQL
 * server through `pg`.
 */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * True when statements never run concurrently (PGlite: one connection, one statement at a time), so a
   * single statement always sees everything committed before it and no row lock is needed to keep a
   * check-then-write inside it consistent.
   */
  readonly serialized: boolean;
  /** Runs `fn` in one transaction: committed if it returns, rolled back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Housekeeping the server would do by itself, run by the coordinator's sweep: PGlite has no autovacuum, so its
   * planner statistics are refreshed here (see openPglite). Nothing on PostgreSQL.
   */
  maintain(): Promise<void>;
  /**
   * Calls `onNotify` on each NOTIFY on `channel` that commits, whoever sent it (every process on PostgreSQL), and
   * `onConnected` each time the listening connection is (re)established: what was sent while it was down is lost,
   * so the caller reads again. Resolves once listening, with the function that stops it.
   */
  listen(channel: string, onNotify: () => void, onConnected: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface DbOptions {
  /** `postgres://…` selects the PostgreSQL server; otherwise PGlite in `dataDir`. */
  databaseUrl?: string;
  /** PGlite's data directory; `memory://` keeps it in memory (tests). */
  dataDir?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /** PGlite: writing statements between two refreshes of the planner statistics (`maintain`). */
  analyzeEveryWrites?: number;
}

/** Whether the database answers: one trivial statement (the health check's). */
export async function ping(q: Queryable): Promise<void> {
  await q.query('SELECT 1');
}

export async function openDb(opts: DbOptions): Promise<Db> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.poolSize ?? 8);
  return openPglite(opts.dataDir ?? './.proofmarket/db', opts.analyzeEveryWrites ?? 10_000);
}

/**
 * PostgreSQL settings of the embedded store. shared_buffers: PostgreSQL's 128 MB default lives in PGlite's wasm
 * memory, which is resident once touched and never shrinks; 16 MB keeps the coordinator ~110 MB smaller, and
 * pages past it are read through the operating system's file cache.
 */
const PGLITE_SETTINGS = ['-c', 'shared_buffers=16MB'];

async function openPglite(dataDir: string, analyzeEveryWrites: number): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { default: pgModule } = await import('pg');
  const { PgliteConnection } = await import('./pglite-connection.ts');
  const onDisk = !dataDir.startsWith('memory://');
  if (onDisk) mkdirSync(dataDir, { recursive: true });
  // A new store is created (initdb) by an instance of its own, closed at once: creating one grows PGlite's wasm
  // memory by ~450 MB that it never gives back, and the store then runs in a fresh instance (~250 MB less RSS).
  // Both instances share one compiled module (compiling it costs ~0.3 s).
  let pgliteWasmModule: WebAssembly.Module | undefined;
  if (onDisk && !existsSync(join(dataDir, 'PG_VERSION'))) {
    pgliteWasmModule = await WebAssembly.compile(readFileSync(new URL('./pglite.wasm', import.meta.resolve('@electric-sql/pglite'))));
    await (await PGlite.create(dataDir, { pgliteWasmModule })).close();
  }
  const pglite = await PGlite.create(dataDir, { pgliteWasmModule, startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS] });
  // Through pg.Client rather than pglite.query(): the same client (and the same type parsing: numeric and int8 as
  // strings) as on PostgreSQL, and named prepared statements, which pglite.query() cannot use. Each statement is then
  // parsed and planned once per connection, not on every call: several times less CPU per statement, all of it on
  // the event loop. The connection underneath hands PGlite a statement's messages in one call (pglite-connection.ts).
  const client = new pgModule.Client({ user: 'postgres', database: 'postgres', password: 'unused', connection: new PgliteConnection(pglite) } as unknown as ConstructorParameters<typeof pgModule.Client>[0]);
  client.on('error', () => {
    /* PGlite itself failed: pg rejects the pending queries and every later one; without a listener, it would crash */
  });
  await client.connect();
  let writes = 0;
  // The outbox's wake-ups, in process: PGlite has one session and no other writer, so a commit that inserted
  // events is known here (the NOTIFY trigger PostgreSQL needs is disabled on PGlite by `migrate`: it cost a
  // plpgsql call per statement on the hot path).
  const outbox = new OutboxWakeups();
  const run = async <T>(sql: string, params?: unknown[]) => {
    const { name, writes: writing, publishes } = statementOf(sql);
    if (writing) writes++;
    const rows = (await client.query({ name, text: sql, values: params })).rows as T[];
    if (publishes) outbox.published();
    return rows;
  };
  // One connection: a transaction holds it for the whole callback, so other queries wait their turn instead of
  // interleaving with it (the pg client would otherwise send them inside the open transaction). So code inside a
  // transaction must query through its `tx`: a `db.query` there would wait for the transaction, which waits for it.
  let turn: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const result = turn.then(fn, fn);
    turn = result.catch(() => undefined);
    return result;
  };
  return {
    kind: 'pglite',
    serialized: true,
    query: (sql, params) => exclusive(() => run(sql, params)),
    transaction: (fn) => exclusive(() => outbox.within(() => inTransaction(client, run, fn))),
    // PostgreSQL's autovacuum re-analyzes a table once a tenth of it changed; PGlite runs no such worker, so the
    // planner kept the statistics of the store as first filled. With 100,000 tasks seeded pending, the poll's
    // lookup of won requests then walked every assigned task (0.9 ms per poll, 1.7 ms after 4,000 claims). A full
    // ANALYZE of that store blocks the event loop 0.3-0.7 s; at 10 values per column (the frequencies the poll's
    // plans need), 20-35 ms. So: that, every `analyzeEveryWrites` writing statements.
    maintain: async () => {
      if (writes < analyzeEveryWrites) return;
      writes = 0;
      await exclusive(async () => {
        await client.query('SET default_statistics_target = 10');
        try {
          await client.query('ANALYZE');
        } finally {
          await client.query('RESET default_statistics_target');
        }
      });
    },
    listen: async (channel, onNotify, onConnected) => {
      const stop = outbox.listen(channel, onNotify);
      onConnected();
      return async () => stop();
    },
    close: async () => {
      await exclusive(() => client.end());
      await pglite.close();
    },
  };
}

type PgClient = InstanceType<(typeof import('pg'))['default']['Client']>;

/** Runs `fn` in a transaction on PGlite's one connection (the caller holds the turn). */
async function inTransaction<T>(client: PgClient, run: <R>(sql: string, params?: unknown[]) => Promise<R[]>, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  let open = true;
  // A `tx` kept past its callback (e.g. a query not awaited) must not run outside the transaction, in another's.
  const tx: Queryable = {
    query: (sql, params) => (open ? run(sql, params) : Promise.reject(new Error('query through a transaction that has ended'))),
  };
  try {
    const result = await fn(tx);
    open = false;
    await client.query('COMMIT');
    return result;
  } catch (err) {
    open = false;
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** The channel the outbox's NOTIFY trigger uses on PostgreSQL (migration 006); PGlite wakes it in process. */
export const OUTBOX_CHANNEL = 'pm_events';

/**
 * PGlite's outbox wake-ups: a statement that inserted events wakes the listeners of OUTBOX_CHANNEL once it is
 * committed — at once outside a transaction, at COMMIT inside one, never for a rolled-back one.
 */
class OutboxWakeups {
  readonly #listeners = new Set<() => void>();
  #inTransaction = false;
  #pending = false;

  listen(channel: string, onNotify: () => void): () => void {
    if (channelName(channel) !== OUTBOX_CHANNEL) return () => undefined;
    this.#listeners.add(onNotify);
    return () => this.#listeners.delete(onNotify);
  }

  published(): void {
    if (this.#inTransaction) this.#pending = true;
    else this.#wake();
  }

  /** Runs a transaction; wakes the listeners if it committed events. */
  async within<T>(fn: () => Promise<T>): Promise<T> {
    this.#inTransaction = true;
    this.#pending = false;
    try {
      const result = await fn();
      this.#inTransaction = false;
      if (this.#pending) this.#wake();
      return result;
    } finally {
      this.#inTransaction = false;
      this.#pending = false;
    }
  }

  #wake(): void {
    for (const l of this.#listeners) l();
  }
}

/** A LISTEN channel is an identifier, not a parameter: only plain names are let through. */
function channelName(channel: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
  return channel;
}

interface Statement {
  /** Its prepared statement's name; none for statements that run once (the migrations' DDL, ANALYZE). */
  name: string | undefined;
  /** Whether it may write (INSERT, UPDATE, DELETE, or a WITH around one): what `maintain` counts. */
  writes: boolean;
  /** Whether it inserts into the event outbox: on PGlite, its commit wakes the in-process listeners. */
  publishes: boolean;
}
const statements = new Map<string, Statement>();
/**
 * What the PGlite store knows of a SQL text. A name always stands for the same text (pg refuses to reuse one for
 * another text), in every connection, so the map can be global while pg tracks per connection what it prepared. The
 * stores' SQL is fixed text (interpolations pick from closed sets), so the map stays small. Statements that run once
 * are not kept.
 */
function statementOf(sql: string): Statement {
  let s = statements.get(sql);
  if (s === undefined) {
    const writes = /\b(INSERT|UPDATE|DELETE)\b/i.test(sql);
    const publishes = /\bINSERT\s+INTO\s+events\b/i.test(sql);
    if (!/^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i.test(sql)) return { name: undefined, writes, publishes };
    statements.set(sql, (s = { name: `pm_${statements.size}`, writes, publishes }));
  }
  return s;
}

const ignoreConnectionError = () => undefined;

/**
 * Whether an error means the database could not be reached or dropped the connection (a restart, a failover):
 * the call may be retried, and the API answers 503, not 500. SQLSTATE classes 08 (connection exception) and 57P
 * (operator intervention: shutdown, restart), and the node-level errors of a lost socket.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (code.startsWith('08') || code.startsWith('57P') || ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|connection error and is not queryable|Client was closed|timeout exceeded when trying to connect/.test(message);
}

async function openPostgres(url: string, poolSize: number): Promise<Db> {
  const { default: pgModule } = await import('pg');
  // numeric and int8 come back as strings; money is parsed to bigint by the stores, never to a float.
  const pool = new pgModule.Pool({ connectionString: url, max: poolSize });
  pool.on('error', () => {
    /* an idle client lost its connection; the pool replaces it on next use */
  });
  await pool.query('SELECT 1');
  return {
    kind: 'postgres',
    serialized: false,
    query: async (sql, params) => (await pool.query(sql, params)).rows,
    async transaction(fn) {
      const client = await pool.connect();
      // A server restart terminates a checked-out connection with an 'error' event: without a listener it would
      // end the process. The query in flight fails anyway, and the transaction with it.
      client.on('error', ignoreConnectionError);
      try {
        await client.query('BEGIN');
        const result = await fn({ query: async (sql, params) => (await client.query(sql, params)).rows });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.off('error', ignoreConnectionError);
        client.release();
      }
    },
    maintain: async () => undefined, // autovacuum does it
    listen: (channel, onNotify, onConnected) => listenPostgres(pgModule, url, channelName(channel), onNotify, onConnected),
    close: () => pool.end(),
  };
}

/**
 * LISTEN on a connection of its own (a pooled one goes back to the pool between queries), reconnected with
 * backoff whenever it drops, for as long as it is not stopped. The first connection must succeed.
 */
async function listenPostgres(pgModule: typeof import('pg').default, url: string, channel: string, onNotify: () => void, onConnected: () => void): Promise<() => Promise<void>> {
  let stopped = false;
  let client: InstanceType<typeof pgModule.Client> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let backoffMs = 100;
  const connect = async (): Promise<void> => {
    const c = new pgModule.Client({ connectionString: url });
    client = c;
    let lost = false;
    const reconnect = () => {
      if (lost || stopped) return;
      lost = true;
      c.end().catch(() => undefined);
      retry = setTimeout(() => connect().catch(() => undefined), backoffMs); // a failed connect schedules the next
      backoffMs = Math.min(backoffMs * 2, 5_000);
    };
    c.on('error', reconnect);
    c.on('end', reconnect);
    c.on('notification', (m) => {
      if (m.channel === channel) onNotify();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
    } catch (err) {
      reconnect();
      throw err;
    }
    backoffMs = 100;
    onConnected();
  };
  await connect().catch((err: unknown) => {
    stopped = true;
    clearTimeout(retry);
    throw err;
  });
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}
