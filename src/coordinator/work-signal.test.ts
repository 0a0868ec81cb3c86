import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MarketEvent } from '../domain/events.ts';
import { WorkSignal } from './work-signal.ts';

const event = (over: Partial<MarketEvent>): MarketEvent => ({
  id: '1', kind: 'request.submitted', request_id: 'r', prover_id: null, at: '2026-01-01T00:00:00Z', from_status: null, to_status: 'pending', cause: 'submitted', detail: null, ...over,
});

test('a pending request wakes the longest-waiting few; the rest keep waiting in order', async () => {
  const w = new WorkSignal();
  const woken: string[] = [];
  const waits = Array.from({ length: 10 }, (_, i) => w.wait(`p${i}`, 60_000).then(() => woken.push(`p${i}`)));
  assert.equal(w.waiting, 10);
  w.onEvents([event({})]);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(woken, ['p0', 'p1', 'p2', 'p3']);
  assert.equal(w.waiting, 6);
  w.close();
  await Promise.all(waits);
  assert.equal(w.waiting, 0);
});

test('an assignment wakes exactly its prover; other events wake nobody', async () => {
  const w = new WorkSignal();
  const woken: string[] = [];
  for (const p of ['a', 'b', 'c']) void w.wait(p, 60_000).then(() => woken.push(p));
  w.onEvents([event({ kind: 'request.proof_verified', to_status: 'completed', prover_id: 'a' }), event({ kind: 'request.assigned', to_status: 'assigned', prover_id: 'b' })]);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(woken, ['b']);
  w.close();
});

test('a wait ends at its timeout, or when its signal aborts, and watching starts with the first wait', async () => {
  const w = new WorkSignal();
  let watched = 0;
  w.attach(() => {
    watched++;
    return () => undefined;
  });
  assert.equal(watched, 0, 'nothing watched before anyone waits');
  const started = performance.now();
  await w.wait('p', 20);
  assert.ok(performance.now() - started >= 15);
  const abort = new AbortController();
  const waiting = w.wait('p', 60_000, abort.signal);
  abort.abort();
  await waiting;
  assert.equal(w.waiting, 0);
  assert.equal(watched, 1, 'watched once');
  w.close();
});
