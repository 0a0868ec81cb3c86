// The outbox's gap rule (src/store/events.ts): a reader never passes an id that may still commit, and passes
// one that never will. On PostgreSQL with real concurrent transactions held open on a second connection; on
// PGlite (one session, statements never concurrent) a missing id is final at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDb, type Db } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import { advance, ContiguousReader, readEvents, startingHead } from '../src/store/events.ts';
import { freshPostgresUrl } from './support/services.ts';

const INSERT = `INSERT INTO events (kind, at, prover_id) VALUES ($1, now(), $2) RETURNING id::text AS id`;

async function insert(q: { query: Db['query'] }, kind = 'test.event', prover: string | null = null): Promise<bigint> {
  const [row] = await q.query<{ id: string }>(INSERT, [kind, prover]);
  return BigInt(row!.id);
}

/** A second connection of its own, as another process would have: its transaction stays open across reads. */
async function secondConnection(url: string) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    query: async <T,>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
    end: () => client.end().catch(() => undefined),
  };
}

const ids = (events: { id: string }[]) => events.map((e) => BigInt(e.id));

test('advance: delivers up to the first missing id; a pending gap stops it, a final one is skipped', () => {
  const running = { xip: ['7', '9'], xmax: '12' };
  // contiguous
  assert.deepEqual(advance(0n, [1n, 2n, 3n], undefined, running), { deliver: 3, head: 3n, gap: undefined });
  // a gap first seen: stop before it, remember what was running; it covers every id missing below the last read
  const seen = advance(3n, [4n, 6n, 8n], undefined, running);
  assert.deepEqual(seen, { deliver: 1, head: 4n, gap: { from: 5n, below: 8n, running, final: false } });
  // still pending on the next read: a later read's transactions do not replace the first ones
  assert.deepEqual(advance(4n, [6n, 8n], seen.gap, { xip: [], xmax: '20' }), { deliver: 0, head: 4n, gap: seen.gap });
  // it committed: delivered in order, then the next missing id (7) of the same gap stops it again
  assert.deepEqual(advance(4n, [5n, 6n, 8n], seen.gap, running), { deliver: 2, head: 6n, gap: seen.gap });
  // final: every id of it still missing is skipped at once
  assert.deepEqual(advance(4n, [6n, 8n], { ...seen.gap!, final: true }, running), { deliver: 2, head: 8n, gap: undefined });
  // a serialized store (nothing running): final at once, several gaps in one read
  assert.deepEqual(advance(0n, [2n, 5n], undefined, undefined), { deliver: 2, head: 5n, gap: undefined });
});

test('PGlite: a rolled-back id is passed at once; filters and bounds', async () => {
  const db = await openDb({ dataDir: 'memory://' });
  try {
    await migrate(db);
    const reader = new ContiguousReader(db, await startingHead(db, async () => undefined));
    const a = await insert(db, 'request.submitted', 'p1');
    await assert.rejects(db.transaction(async (tx) => {
      await insert(tx);
      throw new Error('roll back');
    }));
    const c = await insert(db, 'prover.staked', 'p2');
    assert.equal(c, a + 2n, 'the rolled-back insert took the id between');
    assert.deepEqual(ids(await reader.next(100)), [a, c]);
    assert.equal(reader.waiting, false);
    assert.equal(reader.head, c);

    const all = { after: 0n, upTo: c, limit: 100 };
    assert.deepEqual(ids(await readEvents(db, { ...all, filter: { prover: 'p2' } })), [c]);
    assert.deepEqual(ids(await readEvents(db, { ...all, filter: { kind: 'request.' } })), [a]);
    assert.deepEqual(ids(await readEvents(db, { ...all, filter: { kind: 'request' } })), [], 'an exact kind, not a prefix');
    assert.deepEqual(ids(await readEvents(db, { ...all, filter: { kind: 'prover.staked' } })), [c]);
    assert.deepEqual(ids(await readEvents(db, { ...all, upTo: a, filter: {} })), [a], 'never past upTo');
    assert.deepEqual(ids(await readEvents(db, { ...all, limit: 1, filter: {} })), [a]);
  } finally {
    await db.close();
  }
});

test('PostgreSQL: the reader waits for an id held by an open transaction, and skips it once rolled back', async (t) => {
  const url = await freshPostgresUrl(t);
  if (!url) return;
  const db = await openDb({ databaseUrl: url, poolSize: 4 });
  await migrate(db);
  const other = await secondConnection(url);
  t.after(async () => {
    await other.end();
    await db.close();
  });
  const first = await insert(db);
  const reader = new ContiguousReader(db, await startingHead(db, async () => undefined));
  assert.equal(reader.head, first);

  // A transaction takes an id and holds it; a later one commits.
  await other.query('BEGIN');
  const held = await insert(other);
  const later = await insert(db);
  assert.equal(later, held + 1n);
  assert.deepEqual(ids(await reader.next(100)), [], 'not past the held id');
  assert.equal(reader.waiting, true);
  assert.deepEqual(ids(await reader.next(100)), [], 'still not, on the next read');
  await other.query('COMMIT');
  assert.deepEqual(ids(await reader.next(100)), [held, later], 'both, in order, once it committed');
  assert.equal(reader.waiting, false);

  // The same, rolled back: the reader passes it.
  await other.query('BEGIN');
  const rolled = await insert(other);
  const after = await insert(db);
  assert.deepEqual(ids(await reader.next(100)), []);
  await other.query('ROLLBACK');
  assert.deepEqual(ids(await reader.next(100)), [after]);
  assert.equal(reader.head, after);
  assert.ok(rolled < after);

  // A transaction whose xid is newer than every completed one runs, but a snapshot does not list it (it is past
  // the snapshot's xmax): the reader waits for it too. Here the older transaction draws the later id and commits.
  const third = await secondConnection(url);
  t.after(() => third.end());
  await third.query('BEGIN');
  await third.query('SELECT pg_current_xact_id()'); // the older xid
  await other.query('BEGIN');
  const newer = await insert(other); // the newer xid, the smaller id
  const older = await insert(third);
  await third.query('COMMIT');
  assert.deepEqual(ids(await reader.next(100)), [], 'not past the id of the running newer transaction');
  assert.deepEqual(ids(await reader.next(100)), []);
  await other.query('COMMIT');
  assert.deepEqual(ids(await reader.next(100)), [newer, older]);

});

test('PostgreSQL: a new reader starts after the ids of transactions in progress when it started have ended', async (t) => {
  const url = await freshPostgresUrl(t);
  if (!url) return;
  const db = await openDb({ databaseUrl: url, poolSize: 4 });
  await migrate(db);
  const other = await secondConnection(url);
  t.after(async () => {
    await other.end();
    await db.close();
  });
  await other.query('BEGIN');
  await insert(other);
  const visible = await insert(db);
  let started = false;
  const head = startingHead(db, (ms) => new Promise((r) => setTimeout(r, ms))).then((h) => ((started = true), h));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(started, false, 'it waits for the open transaction');
  await other.query('COMMIT');
  assert.equal(await head, visible);
});
