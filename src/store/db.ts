import { mkdirSync } from 'node:fs';

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
  close(): Promise<void>;
}

export interface DbOptions {
  /** `postgres://…` selects the PostgreSQL server; otherwise PGlite in `dataDir`. */
  databaseUrl?: string;
  /** PGlite's data directory; `memory://` keeps it in memory (tests). */
  dataDir?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
}

export async function openDb(opts: DbOptions): Promise<Db> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.poolSize ?? 8);
  return openPglite(opts.dataDir ?? './.proofmarket/db');
}

async function openPglite(dataDir: string): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create(dataDir);
  // PGlite has one connection, and its transaction() holds it for the whole callback, so other
  // queries wait their turn instead of interleaving with the transaction.
  const query = async <T>(q: { query: typeof pg.query }, sql: string, params?: unknown[]) =>
    (await q.query<T>(sql, params as unknown[])).rows;
  return {
    kind: 'pglite',
    serialized: true,
    query: (sql, params) => query(pg, sql, params),
    transaction: (fn) => pg.transaction((tx) => fn({ query: (sql, params) => query(tx, sql, params) })),
    close: () => pg.close(),
  };
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
      try {
        await client.query('BEGIN');
        const result = await fn({ query: async (sql, params) => (await client.query(sql, params)).rows });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
