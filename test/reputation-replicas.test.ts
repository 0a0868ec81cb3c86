// Reputation staleness across replicas: an observation one coordinator applied (and then died before
// refreshing the stars) is folded into the cached stars by another coordinator's scheduler, which never saw it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDb } from '../src/store/db.ts';
import { getProver } from '../src/store/provers.ts';
import { insertReputationEvent } from '../src/store/reputation.ts';
import { freshPostgresUrl } from './support/services.ts';
import { testCoordinator } from './support/coordinator.ts';

test('a replica refreshes the stars of an observation another replica applied', async (t) => {
  const url = await freshPostgresUrl(t);
  if (!url) return;
  const dbA = await openDb({ databaseUrl: url, poolSize: 2 });
  const dbB = await openDb({ databaseUrl: url, poolSize: 2 });
  const a = await testCoordinator({}, dbA);
  const b = await testCoordinator({}, dbB);
  t.after(async () => {
    await a.close();
    await b.close();
    await dbA.close();
    await dbB.close();
  });
  assert.equal((await a.call('POST', '/provers/register', { prover_id: 'p-1', supported_levels: [1], capacity: 1 })).status, 200);
  assert.equal((await getProver(dbB, 'p-1'))!.reputation_stars, null);

  // Replica A writes an observation (in a plan's transaction, as a result does) and dies: its tracker never runs.
  const at = a.clock.now();
  await insertReputationEvent(dbA, { prover_id: 'p-1', task_id: 't-1', at, success: true, quality: 1, expected_ms: 1000, actual_ms: 500, cause: 'verified' });

  // Replica B was told nothing, yet its next scheduler pass finds the prover stale in the database.
  await b.market.tick();
  const stars = (await getProver(dbB, 'p-1'))!.reputation_stars;
  assert.ok(stars !== null && stars > 4, `B refreshed the stars from A's observation: ${stars}`);
  // Refreshed once: the database no longer lists it as stale, so a later pass does no work for it.
  const [mark] = await dbB.query<{ observed: string; refreshed: string }>(`SELECT observed::text, refreshed::text FROM reputation_marks WHERE prover_id = 'p-1'`);
  assert.deepEqual(mark, { observed: '1', refreshed: '1' });

  // A failure observed later by A, more than a second on, lowers the stars B caches.
  a.clock.advance(2_000);
  b.clock.advance(2_000);
  await insertReputationEvent(dbA, { prover_id: 'p-1', task_id: 't-2', at: a.clock.now(), success: false, quality: 0, expected_ms: 1000, actual_ms: 1000, cause: 'rejected' });
  await b.market.tick();
  const lower = (await getProver(dbB, 'p-1'))!.reputation_stars!;
  assert.ok(lower < stars, `a failure lowers the cached stars: ${lower} < ${stars}`);
});
