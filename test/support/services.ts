import { openDb, type Db } from '../../src/store/db.ts';
import type { TestContext } from 'node:test';
import { randomBytes } from 'node:crypto';

/**
 * External services the tests use. Outside CI a missing service skips the test with a printed reason;
 * under CI=true it fails, because CI's .ci/run starts every service and a skip would hide a broken setup.
 */
export function requireService(t: TestContext, name: string, available: boolean, how: string): boolean {
  if (available) return true;
  const reason = `${name} is not available (${how})`;
  if (process.env.CI === 'true') throw new Error(`${reason}; CI must provide it`);
  console.log(`# skipped: ${reason}`);
  t.skip(reason);
  return false;
}

/** A new, empty database on the PostgreSQL server named by TEST_DATABASE_URL, or undefined. */
export async function freshPostgresUrl(t: TestContext): Promise<string | undefined> {
  const admin = process.env.TEST_DATABASE_URL;
  if (!requireService(t, 'PostgreSQL', Boolean(admin), 'set TEST_DATABASE_URL, as .ci/run does')) return undefined;
  return createDatabase(admin!);
}

/** Creates an empty database on the server of `admin` (a postgres:// URL) and returns its URL. */
export async function createDatabase(admin: string): Promise<string> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  const name = `pm_test_${randomBytes(6).toString('hex')}`;
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * The stores a store-dependent suite runs on: the embedded PGlite always, PostgreSQL when TEST_DATABASE_URL
 * is set. Outside CI a missing PostgreSQL skips (with the reason); under CI=true it fails, because CI provides
 * it and a skip would hide a broken setup. `open()` makes a fresh PostgreSQL database (undefined: PGlite).
 */
export function storesUnderTest(): Array<{ name: string; postgres: boolean; skip: string | false; open: () => Promise<Db | undefined> }> {
  const admin = process.env.TEST_DATABASE_URL;
  return [
    { name: 'embedded PGlite', postgres: false, skip: false, open: async () => undefined },
    {
      name: 'PostgreSQL',
      postgres: true,
      skip: !admin && process.env.CI !== 'true' ? 'PostgreSQL is not available (set TEST_DATABASE_URL, as .ci/run does)' : false,
      open: async () => openDb({ databaseUrl: await freshPostgres() }),
    },
  ];
}

/** A new empty PostgreSQL database (its URL); throws when TEST_DATABASE_URL is not set (CI must provide it). */
export async function freshPostgres(): Promise<string> {
  const admin = process.env.TEST_DATABASE_URL;
  if (!admin) throw new Error('TEST_DATABASE_URL is not set; CI must provide PostgreSQL');
  return createDatabase(admin);
}
