import { readdirSync, readFileSync } from 'node:fs';
import type { Db } from './db.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
// Any constant works; it only has to be the same in every coordinator process.
const MIGRATION_LOCK = 727_001;
/** The migration that adds the outbox's triggers for PostgreSQL (see below for PGlite). */
const NOTIFY_MIGRATION = '006_events_notify.sql';

/**
 * Applies the numbered migrations (`migrations/001_*.sql`, …) that this database has not seen, in order,
 * each in its own transaction. Coordinators starting together on one PostgreSQL take an advisory lock,
 * so a migration never runs twice.
 */
export async function migrate(db: Db): Promise<string[]> {
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{3}_.*\.sql$/.test(f))
    .sort();
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await tx.query<{ version: string }>('SELECT version FROM schema_migrations')).map((r) => r.version));
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = readFileSync(new URL(file, MIGRATIONS_DIR), 'utf8');
      for (const statement of splitStatements(sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [file]);
      applied.push(file);
    }
    // PGlite runs one statement at a time in one process: an event's id can be drawn by default (no other
    // transaction can commit a lower one later), and its commits wake the stream in process (src/store/db.ts).
    // The two triggers PostgreSQL needs for that (migration 006) would only cost a plpgsql call per event here,
    // so they are disabled as 006 is applied (once: PGlite's stores are only ever migrated here).
    if (db.serialized && applied.includes(NOTIFY_MIGRATION)) {
      await tx.query(`ALTER TABLE events DISABLE TRIGGER events_take_id`);
      await tx.query(`ALTER TABLE events DISABLE TRIGGER events_notify`);
      await tx.query(`ALTER TABLE events ALTER COLUMN id SET DEFAULT nextval('events_id_seq')`);
    }
  });
  return applied;
}

/** Extended-protocol queries take one statement each; our migrations keep `;` only at statement ends. */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
}
