// Two provers polling at the same moment never receive the same task — also with two coordinators
// (separate connection pools, as two processes would have) on one PostgreSQL database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDb } from '../src/store/db.ts';
import { freshPostgresUrl } from './support/services.ts';
import { testCoordinator } from './support/coordinator.ts';

test('two coordinators on one PostgreSQL hand out every task exactly once, within capacity', async (t) => {
  const url = await freshPostgresUrl(t);
  if (!url) return;
  const dbA = await openDb({ databaseUrl: url, poolSize: 8 });
  const a = await testCoordinator({}, dbA);
  const dbB = await openDb({ databaseUrl: url, poolSize: 8 });
  const b = await testCoordinator({}, dbB);
  t.after(async () => {
    await a.close();
    await b.close();
    await dbA.close();
    await dbB.close();
  });

  const PROVERS = 12;
  const CAPACITY = 4;
  const TASKS = 60;
  for (let p = 0; p < PROVERS; p++) {
    assert.equal((await a.call('POST', '/provers/register', { prover_id: `race-${p}`, supported_levels: [1], capacity: CAPACITY })).status, 200);
  }
  for (let i = 0; i < TASKS; i++) {
    assert.equal((await b.call('POST', '/tasks', { task_id: `race-task-${i}`, privacy_level: 1, circuit_data: [i % 256], reward_amount: 1, requester: 'r', priority: i % 7 })).status, 200);
  }

  // Every prover polls through both coordinators at once, more often than it has capacity for.
  const polls = [];
  for (let round = 0; round < CAPACITY + 2; round++) {
    for (let p = 0; p < PROVERS; p++) {
      for (const c of [a, b]) polls.push(c.call('GET', `/tasks/assign/race-${p}`).then((r) => ({ prover: `race-${p}`, r })));
    }
  }
  const results = await Promise.all(polls);
  const got = results.filter(({ r }) => r.status === 200 && r.body !== null).map(({ prover, r }) => ({ prover, task: r.body.task_id as string }));
  assert.ok(results.every(({ r }) => r.status === 200), 'no poll failed');

  const taskIds = got.map((g) => g.task);
  assert.equal(new Set(taskIds).size, taskIds.length, 'no task was handed out twice');
  assert.equal(taskIds.length, Math.min(TASKS, PROVERS * CAPACITY));
  const perProver = new Map<string, number>();
  for (const g of got) perProver.set(g.prover, (perProver.get(g.prover) ?? 0) + 1);
  for (const [prover, n] of perProver) assert.ok(n <= CAPACITY, `${prover} holds ${n} > capacity ${CAPACITY}`);

  const rows = await dbA.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM tasks GROUP BY status ORDER BY status`);
  assert.deepEqual(rows, [{ status: 'assigned', n: PROVERS * CAPACITY }, { status: 'pending', n: TASKS - PROVERS * CAPACITY }]);
});
