import { test } from 'node:test';
import assert from 'node:assert/strict';
import { storeSuite } from './store.case.ts';
import { openDb } from './db.ts';
import { migrate } from './migrate.ts';
import { freshPostgresUrl } from '../../test/support/services.ts';

storeSuite('postgres', async (t) => {
  const url = await freshPostgresUrl(t);
  return url ? openDb({ databaseUrl: url }) : undefined;
});

test('postgres: concurrent migrations from several coordinators apply each file once', async (t) => {
  const url = await freshPostgresUrl(t);
  if (!url) return;
  const dbs = await Promise.all([1, 2, 3].map(() => openDb({ databaseUrl: url })));
  try {
    const applied = await Promise.all(dbs.map((db) => migrate(db)));
    assert.equal(applied.flat().filter((f) => f === '001_init.sql').length, 1);
  } finally {
    await Promise.all(dbs.map((db) => db.close()));
  }
});
