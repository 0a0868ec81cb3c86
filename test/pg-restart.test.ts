// PostgreSQL restarted under load: the coordinator stays up, answers 503 database_unavailable (never 500) while
// the server is gone, reconnects by itself, loses no acknowledged write, and its event stream resumes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCoordinator } from '../src/coordinator/coordinator.ts';
import { createDatabase, requireService } from './support/services.ts';
import { canStartPostgres, startPrivatePostgres } from './support/private-postgres.ts';

test('a PostgreSQL restart mid-load loses no acknowledged write and needs no coordinator restart', async (t) => {
  if (!requireService(t, 'a PostgreSQL server binary', canStartPostgres(), 'apt-get install postgresql, as .ci/run does')) return;
  const pg = await startPrivatePostgres();
  t.after(() => pg.stop());
  const c = await startCoordinator({ databaseUrl: await createDatabase(pg.url), logLevel: 'silent', verifierThreads: 1, host: '127.0.0.1', port: 0, open: true });
  t.after(() => c.close());

  const statuses = new Map<number, number>();
  const acked: string[] = [];
  let n = 0;
  const submit = async () => {
    const id = `restart-${n++}`;
    const r = await fetch(`${c.url}/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task_id: id, privacy_level: 1, circuit_data: [1, 2, 3], reward_amount: 1, requester: 'client-1', priority: 10 }),
    });
    statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    if (r.status === 200) acked.push(id);
    else assert.equal((await r.json()).error.code, 'database_unavailable', `status ${r.status}`);
  };
  // Four clients submitting while the server restarts twice.
  let running = true;
  const clients = Array.from({ length: 4 }, async () => {
    while (running) await submit();
  });
  for (let i = 0; i < 2; i++) {
    await new Promise((r) => setTimeout(r, 700));
    await pg.restart();
  }
  await new Promise((r) => setTimeout(r, 700));
  running = false;
  await Promise.all(clients);

  console.log(`answers during the restarts: ${[...statuses].map(([s, k]) => `${k} × ${s}`).join(', ')}`);
  assert.ok(acked.length > 10, `writes were acknowledged: ${[...statuses]}`);
  assert.ok(![...statuses.keys()].some((s) => s >= 500 && s !== 503), `only 200 and 503: ${[...statuses]}`);
  for (const id of acked) assert.equal((await fetch(`${c.url}/tasks/${id}/status`)).status, 200, `acknowledged ${id} is stored`);
  const health = await fetch(`${c.url}/healthz`);
  assert.equal(health.status, 200);

  // The event stream's LISTEN connection came back: an event written now reaches a live subscriber.
  const stream = await fetch(`${c.url}/v1/events?kind=request.submitted`, { signal: AbortSignal.timeout(15_000) }).catch(() => undefined);
  if (stream) {
    const reader = stream.body!.getReader();
    const id = `restart-${n}`;
    await submit();
    let text = '';
    while (!text.includes(id)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await reader.cancel();
    assert.ok(text.includes(id), 'the stream delivers events written after the restarts');
  }
});
