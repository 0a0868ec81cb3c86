// One suite for every store implementation: run by pglite.test.ts and postgres.test.ts.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Db, Queryable } from './db.ts';
import { migrate } from './migrate.ts';
import { insertProgram } from './programs.ts';
import * as provers from './provers.ts';
import * as tasks from './tasks.ts';
import { applyPlan } from './plans.ts';
import { assigned, move, type KernelConfig } from '../domain/kernel/transitions.ts';
import { DEFAULT_ECONOMICS } from '../domain/ledger.ts';
import type { TaskStatus, TransitionCause } from '../domain/task.ts';
import type { RequestChanges } from '../domain/request.ts';

const KERNEL: KernelConfig = { economics: DEFAULT_ECONOMICS, maxAttempts: 3, proofTimeoutMs: 600_000 };

/** A poll as the coordinator runs it: find and lock the next claimable task, then the kernel's `assigned`. */
const pollAndClaim = (db: Db, proverId: string, now: Date) =>
  db.transaction(async (tx) => {
    const work = await tasks.pollForWork(tx, proverId, now);
    if (!work || work.won) return work?.task;
    const plan = assigned(work.task, { prover_id: proverId, price: work.task.max_price, cause: 'assigned', handed_out: true, stake: null }, KERNEL, now);
    return (await applyPlan(tx, plan)) ? plan.next : undefined;
  });

/** One move through the kernel's plan and `applyPlan`, refused when the row changed since it was read. */
async function moveTask(db: Queryable, seen: tasks.TaskRecord, to: TaskStatus, cause: TransitionCause, now: Date, changes: RequestChanges = {}) {
  if (!(await applyPlan(db, move(seen, now, { to, cause, changes })))) throw new Error(`task ${seen.task_id} changed while it was being updated; retry`);
}

type Open = (t: TestContext) => Promise<Db | undefined>;

const T0 = new Date('2026-01-01T00:00:00.000Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

async function seed(db: Db) {
  await migrate(db);
  await insertProgram(db, {
    program_id: 'p1', name: 'unit', proof_system: 'groth16', input_encoding: 'json', description: '', max_input_bytes: null,
    builtin: false, wasm: new Uint8Array([0, 97, 115, 109]), zkey: new Uint8Array([1]), vkey: { protocol: 'groth16', nPublic: 1 },
    wasm_sha256: 'a', zkey_sha256: 'b', vkey_sha256: 'c', created_at: T0,
  });
  await provers.insertProver(db, {
    prover_id: 'prover-a', supported_levels: [1, 2], capacity: 2, status: 'active', current_load: 0, registration: { x: 1 },
    registered_at: T0, last_heartbeat_at: T0, updated_at: T0, ...PROFILE,
  });
}

/** The market profile columns at their defaults. */
const PROFILE = {
  name: null, backends: ['groth16', 'plonk', 'fflonk'], gpu_enabled: false, base_price: 0n, price_type: 'per_proof' as const,
  subscription_quota: null, proving_speed: null, seeded_reputation: null, reputation_stars: null, response_time_ms: null,
  owner: null, suspended_reason: null,
};

function task(id: string, over: Partial<tasks.TaskRecord> = {}): tasks.TaskRecord {
  return {
    task_id: id, privacy_level: 1, circuit_data: new Uint8Array([1, 2, 3]), reward_amount: 100n, requester: 'r', priority: 0,
    program_id: 'p1', expected_public_signals: ['7'], status: 'pending', assigned_prover: null, assigned_at: null, attempts: 0,
    excluded_provers: [], deadline: at(3600), request_hash: 'h', created_at: T0, updated_at: T0, backend: 'groth16',
    mechanism: 'fixed', max_price: 100n, min_reputation: 0, allow_list: null, terms: null, price: null, handed_out: true, round: 0,
    min_stake: 0n,
    ...over,
  };
}

export function storeSuite(name: string, open: Open): void {
  const withDb = (title: string, fn: (db: Db) => Promise<void>) =>
    test(`${name}: ${title}`, async (t) => {
      const db = await open(t);
      if (!db) return;
      try {
        await seed(db);
        await fn(db);
      } finally {
        await db.close();
      }
    });

  withDb('migrations apply once and are idempotent', async (db) => {
    assert.deepEqual(await migrate(db), []);
    const rows = await db.query<{ version: string }>('SELECT version FROM schema_migrations');
    assert.ok(rows.some((r) => r.version === '001_init.sql'));
  });

  withDb('a task round-trips: bytes, money beyond 2^53, timestamps', async (db) => {
    const big = 2n ** 70n + 1n;
    assert.equal(await tasks.insertTask(db, task('t1', { reward_amount: big, circuit_data: new Uint8Array([0, 255, 7]) })), true);
    assert.equal(await tasks.insertTask(db, task('t1')), false, 'a taken id is refused');
    const got = (await tasks.getTask(db, 't1'))!;
    assert.equal(got.reward_amount, big);
    assert.deepEqual(Array.from(got.circuit_data), [0, 255, 7]);
    assert.equal(got.created_at.toISOString(), T0.toISOString());
    assert.deepEqual(got.expected_public_signals, ['7']);
    const history = await tasks.listTaskEvents(db, 't1');
    assert.deepEqual(history.map((e) => [e.from_status, e.to_status, e.cause]), [[null, 'pending', 'submitted']]);
  });

  withDb('the next task is the highest priority, then the oldest, of a supported level', async (db) => {
    await tasks.insertTask(db, task('old-low', { priority: 1, created_at: at(0) }));
    await tasks.insertTask(db, task('new-high', { priority: 9, created_at: at(2) }));
    await tasks.insertTask(db, task('old-high', { priority: 9, created_at: at(1) }));
    await tasks.insertTask(db, task('level-5', { priority: 100, privacy_level: 5, created_at: at(0) }));
    await db.query(`UPDATE provers SET capacity = 10 WHERE prover_id = 'prover-a'`);
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      const next = await pollAndClaim(db, 'prover-a', at(10));
      if (next) order.push(next.task_id);
    }
    assert.deepEqual(order, ['old-high', 'new-high', 'old-low']);
    assert.equal(await tasks.countHeldBy(db, 'prover-a'), 3);
    const history = await tasks.listTaskEvents(db, 'old-high');
    assert.deepEqual(history.map((e) => [e.from_status, e.to_status, e.cause, e.prover_id]), [[null, 'pending', 'submitted', null], ['pending', 'assigned', 'assigned', 'prover-a']]);
    const claimed = (await tasks.getTask(db, 'old-high'))!;
    assert.equal(claimed.status, 'assigned');
    assert.equal(claimed.assigned_prover, 'prover-a');
    assert.equal(claimed.assigned_at?.toISOString(), at(10).toISOString());
  });

  withDb('a poll is a heartbeat; a busy prover gets nothing; a prover never holds more tasks than its capacity', async (db) => {
    await provers.markSilentProversOffline(db, at(1), at(1));
    await db.query(`UPDATE provers SET status = 'busy' WHERE prover_id = 'prover-a'`);
    await tasks.insertTask(db, task('busy-0', { created_at: at(-1) }));
    assert.equal(await pollAndClaim(db, 'prover-a', at(5)), undefined, 'busy: nothing');
    assert.equal((await provers.getProver(db, 'prover-a'))?.last_heartbeat_at.toISOString(), at(5).toISOString());
    await db.query(`UPDATE provers SET status = 'offline' WHERE prover_id = 'prover-a'`);
    assert.equal((await pollAndClaim(db, 'prover-a', at(6)))?.task_id, 'busy-0', 'an offline prover that polls is back');
    assert.equal((await provers.getProver(db, 'prover-a'))?.status, 'active');
    assert.equal(await pollAndClaim(db, 'nobody', at(6)), undefined);
    await db.query(`DELETE FROM events WHERE task_id = 'busy-0'`);
    await db.query(`DELETE FROM tasks WHERE task_id = 'busy-0'`);
    for (let i = 0; i < 5; i++) await tasks.insertTask(db, task(`cap-${i}`, { created_at: at(i) }));
    const got = [];
    for (let i = 0; i < 5; i++) got.push(await pollAndClaim(db, 'prover-a', at(10)));
    assert.deepEqual(got.map((t) => t?.task_id), ['cap-0', 'cap-1', undefined, undefined, undefined]);
  });

  withDb('a prover whose proof was rejected gets the task again only when no other prover can take it', async (db) => {
    await tasks.insertTask(db, task('t1'));
    const t = (await tasks.getTask(db, 't1'))!;
    await moveTask(db, t, 'assigned', 'assigned', at(1), { assigned_prover: 'prover-a', assigned_at: at(1) });
    const reject = async () => {
      const held = (await tasks.getTask(db, 't1'))!;
      await moveTask(db, held, 'pending', 'proof_rejected', at(2), { assigned_prover: null, assigned_at: null, excluded_provers: ['prover-a'], attempts: held.attempts + 1 });
    };
    await reject();
    // alone in the market, prover-a may try again
    assert.equal((await pollAndClaim(db, 'prover-a', at(3)))?.task_id, 't1');
    await reject();
    await provers.insertProver(db, {
      prover_id: 'prover-b', supported_levels: [1], capacity: 1, status: 'active', current_load: 0, registration: {},
      registered_at: T0, last_heartbeat_at: T0, updated_at: T0, ...PROFILE,
    });
    assert.equal(await pollAndClaim(db, 'prover-a', at(3)), undefined, 'another prover can take it');
    assert.equal((await pollAndClaim(db, 'prover-b', at(3)))?.task_id, 't1');
    await reject();
    await provers.markSilentProversOffline(db, at(1000), at(1000));
    assert.equal((await pollAndClaim(db, 'prover-a', at(3)))?.task_id, 't1', 'offline provers do not count');
  });

  withDb('moveTask refuses an illegal move and a stale read', async (db) => {
    await tasks.insertTask(db, task('t1'));
    const seen = (await tasks.getTask(db, 't1'))!;
    await assert.rejects(moveTask(db, seen, 'completed', 'proof_verified', at(1)), /cannot go from pending to completed/);
    await moveTask(db, seen, 'assigned', 'assigned', at(1), { assigned_prover: 'prover-a', assigned_at: at(1) });
    await assert.rejects(moveTask(db, seen, 'assigned', 'assigned', at(2)), /changed while it was being updated/);
    const history = await tasks.listTaskEvents(db, 't1');
    assert.equal(history.length, 2);
  });

  withDb('a failed transaction leaves nothing behind', async (db) => {
    await assert.rejects(
      db.transaction(async (tx) => {
        await tasks.insertTask(tx, task('t-rollback'));
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await tasks.getTask(db, 't-rollback'), undefined);
    assert.deepEqual(await tasks.listTaskEvents(db, 't-rollback'), []);
  });

  withDb('a statement the database refuses fails alone: its transaction rolls back, later statements run', async (db) => {
    // The same prepared statement fails for one parameter and succeeds for others (PGlite gets each statement's
    // messages in one call, and PostgreSQL skips to its Sync after an error: nothing must be left half-read).
    const divide = (q: Queryable, by: number) => q.query<{ x: number }>('SELECT 10 / $1::int AS x', [by]);
    assert.deepEqual(await divide(db, 2), [{ x: 5 }]);
    await assert.rejects(
      db.transaction(async (tx) => {
        await tasks.insertTask(tx, task('t-refused'));
        await divide(tx, 0);
      }),
      /division by zero/,
    );
    assert.equal(await tasks.getTask(db, 't-refused'), undefined);
    await assert.rejects(divide(db, 0), /division by zero/);
    assert.deepEqual(await Promise.all([divide(db, 5), divide(db, 10)]), [[{ x: 2 }], [{ x: 1 }]]);
    assert.ok(await tasks.insertTask(db, task('t-after')));
  });

  withDb('maintain() keeps the planner statistics fresh where the server does not', async (db) => {
    // PGlite (opened with analyzeEveryWrites 5 by its suite) re-analyzes after that many writes; PostgreSQL leaves it
    // to autovacuum, so there maintain() changes nothing.
    const analyzed = async () => (await db.query<{ at: Date | null }>(`SELECT last_analyze AS at FROM pg_stat_user_tables WHERE relname = 'tasks'`))[0]?.at ?? null;
    await db.maintain(); // whatever the seed wrote
    const before = await analyzed();
    for (let i = 0; i < 5; i++) await tasks.insertTask(db, task(`t-stats-${i}`));
    await db.maintain();
    const after = await analyzed();
    if (db.kind === 'pglite') assert.ok(after !== null && (before === null || after > before), 'tasks analyzed');
    else assert.deepEqual(after, before);
    assert.equal((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tasks WHERE task_id LIKE $1', ['t-stats-%']))[0]!.n, 5);
  });

  withDb('silent provers go offline, and their held tasks are found as stuck', async (db) => {
    await tasks.insertTask(db, task('t1'));
    const t = (await tasks.getTask(db, 't1'))!;
    await moveTask(db, t, 'assigned', 'assigned', at(100), { assigned_prover: 'prover-a', assigned_at: at(100) });
    assert.deepEqual(await provers.markSilentProversOffline(db, at(-1), at(100)), []);
    assert.deepEqual(await provers.markSilentProversOffline(db, at(30), at(100)), ['prover-a']);
    const stuck = await db.transaction((tx) => tasks.lockStuckTasks(tx, at(0)));
    assert.deepEqual(stuck.map((s) => s.task_id), ['t1']);
    const hb = await provers.recordHeartbeat(db, 'prover-a', at(101), 'active', 1);
    assert.equal(hb?.status, 'active');
    const none = await db.transaction((tx) => tasks.lockStuckTasks(tx, at(0)));
    assert.deepEqual(none, [], 'an active prover within the proof timeout holds its task');
  });
}
