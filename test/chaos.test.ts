// Chaos under load at small scale (issue #18 §2; `npm run bench -- chaos` is the full scale): three replicas as
// child processes on a private PostgreSQL, behind the round-robin proxy; two provers and a requester submitting
// 500 tasks through it; a random replica killed with SIGKILL every 2–5 s and restarted; PostgreSQL restarted
// once. Every acknowledged task completes exactly once, nothing is paid twice, the ledger audits clean, and the
// event stream gives every event in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canStartPostgres } from './support/private-postgres.ts';
import { requireService } from './support/services.ts';
import { runChaos } from './support/chaos.ts';
import { terminateCurves } from '../src/cli/shutdown.ts';

test('chaos: replicas killed and PostgreSQL restarted under load lose nothing and do nothing twice', { timeout: 600_000 }, async (t) => {
  if (!requireService(t, 'a PostgreSQL server binary', canStartPostgres(), 'apt-get install postgresql, as .ci/run does')) return;
  t.after(terminateCurves);
  const counts = await runChaos({ tasks: Number(process.env.CHAOS_TASKS ?? 500), replicas: 3, provers: 2, timeoutMs: 480_000, log: (l) => t.diagnostic(l) });
  console.log(`chaos counts: ${JSON.stringify(counts)}`);
  assert.ok(counts.replica_kills >= 1, 'at least one replica was killed');
  assert.equal(counts.postgres_restarts, 1);
  assert.equal(counts.not_completed, 0, 'every acknowledged task completed');
  assert.equal(counts.completed, counts.submitted_acknowledged);
  assert.equal(counts.completed_more_than_once, 0);
  assert.equal(counts.double_assignments, 0);
  assert.equal(counts.double_payments, 0);
  assert.equal(counts.lost_acknowledged_writes, 0);
  assert.deepEqual(counts.ledger_audit_problems, []);
  assert.equal(counts.events_missing_or_out_of_order, 0, `${counts.events_streamed} of ${counts.events_in_db} events streamed in order`);
});
