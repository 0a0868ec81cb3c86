// GET /v1/events against coordinators listening on 127.0.0.1: the SSE format, backlog then live, resume after a
// disconnect with Last-Event-ID, filters, heartbeat, a slow client closed with `overflow`, shutdown, and two
// coordinators on one PostgreSQL database that both stream every event, whichever of them wrote it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { ManualClock } from '../src/domain/clock.ts';
import { startCoordinator, type Coordinator, type StartOptions } from '../src/coordinator/coordinator.ts';
import { ProofMarketClient, type MarketEvent } from '../src/sdk/client.ts';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { openDb, type Db } from '../src/store/db.ts';
import { freshPostgresUrl } from './support/services.ts';
import { waitFor } from './support/wait.ts';

const CONFIG = { dataDir: 'memory://', logLevel: 'silent', verifierThreads: 1, host: '127.0.0.1', port: 0, open: true } as const;

function start(opts: StartOptions = {}): Promise<Coordinator> {
  return startCoordinator(CONFIG, { clock: new ManualClock('2026-03-01T12:00:00.000Z'), scheduler: false, ...opts, events: { heartbeatMs: 200, ...opts.events } });
}

let c: Coordinator;
let pm: ProofMarketClient;
let program: string;

before(async () => {
  c = await start();
  pm = new ProofMarketClient({ baseUrl: c.url! });
  program = await setUpMarket(pm);
});
after(async () => {
  await c?.close();
  await terminateCurves();
});

/** Funds a requester and registers a prover; answers the program requests are for. */
async function setUpMarket(client: ProofMarketClient): Promise<string> {
  await client.faucet('100000000', 'alice');
  await client.registerProver({ prover_id: 'p1', supported_levels: [1], capacity: 1000 });
  return (await client.listPrograms()).find((p) => p.name === 'data-commitment' && p.proof_system === 'groth16')!.program_id;
}

let seq = 0;
/** A request submitted (one event), then cancelled (a second). */
async function submit(client = pm): Promise<string> {
  const { request_id } = await client.submitRequest({ requester: 'alice', program_id: program, input: Buffer.from([7, seq >> 8, ++seq & 255]).toString('base64'), backend: 'groth16', max_price: '1000' });
  return request_id;
}
async function submitAndCancel(client = pm): Promise<string> {
  const id = await submit(client);
  await client.cancelRequest(id);
  return id;
}

/** The ids in the store, in order, after `after`, optionally filtered by SQL. */
async function storedIds(db: Db, after = '0', where = 'true', params: unknown[] = []): Promise<string[]> {
  const rows = await db.query<{ id: string }>(`SELECT id::text AS id FROM events WHERE id > $1 AND ${where} ORDER BY events.id`, [after, ...params]);
  return rows.map((r) => r.id);
}

/** A stream's options that end it after a minute, so that a missing event fails the test instead of hanging it. */
const within = (opts: { after?: string }) => ({ ...opts, signal: AbortSignal.timeout(60_000) });

/** Reads `n` events from the SDK's iterator, then leaves it (which drops the connection). */
async function take(events: AsyncGenerator<MarketEvent>, n: number): Promise<MarketEvent[]> {
  const got: MarketEvent[] = [];
  if (n === 0) return got;
  for await (const e of events) if (got.push(e) === n) break;
  return got;
}

/** A raw text/event-stream response, accumulated as text. */
async function openRaw(url: string, headers: Record<string, string> = {}) {
  const ac = new AbortController();
  const res = await fetch(url, { headers, signal: ac.signal });
  let text = '';
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const ended = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return true;
        text += value;
      }
    } catch {
      return false;
    }
  })();
  return { res, text: () => text, ended, close: () => ac.abort() };
}

test('the stream replays the backlog after ?after=, then goes live, as id/event/data messages', async () => {
  const before = (await storedIds(c.db)).at(-1) ?? '0';
  const first = await submit();
  const raw = await openRaw(`${c.url}/v1/events?after=${before}`);
  try {
    assert.equal(raw.res.status, 200);
    assert.match(raw.res.headers.get('content-type')!, /^text\/event-stream/);
    await waitFor('the backlog', () => raw.text().includes('event: request.submitted'), 10_000);
    await pm.cancelRequest(first);
    await waitFor('the live event', () => raw.text().includes('event: request.cancelled'), 10_000);
    const [submitted, cancelled] = await storedIds(c.db, before);
    const messages = raw.text().split('\n\n').filter((m) => m.startsWith('id: '));
    assert.equal(messages.length, 2);
    const [head, kind, data] = messages[0]!.split('\n');
    assert.equal(head, `id: ${submitted}`);
    assert.equal(kind, 'event: request.submitted');
    assert.deepEqual(JSON.parse(data!.slice('data: '.length)), {
      id: submitted, kind: 'request.submitted', request_id: first, prover_id: null, at: '2026-03-01T12:00:00.000Z',
      from_status: null, to_status: 'pending', cause: 'submitted', detail: null,
    });
    assert.match(messages[1]!, new RegExp(`^id: ${cancelled}\nevent: request.cancelled\ndata: \\{.*"to_status":"failed"`));
  } finally {
    raw.close();
  }
});

test('resume after a disconnect: reconnecting with Last-Event-ID gets exactly the events after it', async () => {
  const start = (await storedIds(c.db)).at(-1) ?? '0';
  for (let i = 0; i < 3; i++) await submitAndCancel();
  const firstPart = await take(pm.events({}, within({ after: start })), 4); // then it drops the connection
  for (let i = 0; i < 3; i++) await submitAndCancel(); // written while no one listens
  const all = await storedIds(c.db, start);
  assert.equal(all.length, 12);
  // Last-Event-ID, as the SDK (and an EventSource) sends it on reconnecting
  const rest = await take(pm.events({}, within({ after: firstPart.at(-1)!.id })), all.length - 4);
  assert.deepEqual([...firstPart, ...rest].map((e) => e.id), all, 'every event once, in order');
  // and one more live, after the replay
  const live = pm.events({}, within({ after: all.at(-1)! }));
  const next = take(live, 1);
  const id = await submit();
  assert.equal((await next)[0]!.request_id, id);
  await pm.cancelRequest(id); // leaves no request pending for the next test's poll
});

test('a bad cursor or filter is a 400', async () => {
  for (const [url, headers] of [['/v1/events?after=x', {}], ['/v1/events', { 'last-event-id': '-1' }], ['/v1/events?kind=Bad Kind', {}], ['/v1/events?bogus=1', {}]] as const) {
    const res = await fetch(`${c.url}${url}`, { headers });
    assert.equal(res.status, 400, url);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code.length > 0, true);
  }
});

test('filters: by request, by prover, by exact kind and by kind prefix', async () => {
  const start = (await storedIds(c.db)).at(-1) ?? '0';
  const one = await submitAndCancel();
  const two = await submit();
  assert.equal((await pm.assignTask('p1'))?.task_id, two); // request.assigned, naming p1
  await submitAndCancel();
  const cases: Array<[Record<string, string>, string, unknown[]]> = [
    [{ request: one }, 'task_id = $2', [one]],
    [{ prover: 'p1' }, 'prover_id = $2', ['p1']],
    [{ kind: 'request.cancelled' }, 'kind = $2', ['request.cancelled']],
    [{ kind: 'request.' }, "kind LIKE 'request.%'", []],
  ];
  for (const [filter, where, params] of cases) {
    const expected = await storedIds(c.db, start, where, params);
    assert.ok(expected.length > 0, JSON.stringify(filter));
    const events = pm.events(filter, within({ after: start }));
    const got = await take(events, expected.length);
    assert.deepEqual(got.map((e) => e.id), expected, JSON.stringify(filter));
  }
  // Live too: nothing that does not match slips through before the next event that does.
  const live = pm.events({ request: two }, within({ after: (await storedIds(c.db)).at(-1)! }));
  const next = take(live, 1);
  await submitAndCancel(); // not `two`
  await pm.startTask(two, 'p1');
  const [started] = await next;
  assert.deepEqual([started!.request_id, started!.kind], [two, 'request.started']);
});

test('a heartbeat comment every heartbeatMs keeps an idle stream alive', async () => {
  const raw = await openRaw(`${c.url}/v1/events`);
  try {
    await waitFor('two pings', () => raw.text().split(': ping\n\n').length >= 3, 5_000);
  } finally {
    raw.close();
  }
});

test('a client that stops reading is closed with event: overflow once its buffer passes the limit; others go on', async () => {
  // The limit: more than a batch of these events (500 of ~1 KB), which a reading client may hold for a moment.
  const slow = await start({ events: { maxBufferedBytes: 1 << 20 } });
  try {
    const port = new URL(slow.url!).port;
    const socket = connect({ host: '127.0.0.1', port: Number(port) });
    // HTTP/1.0: the body comes as sent, without chunked framing, and the end of the stream closes the socket.
    socket.write(`GET /v1/events HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
    let received = '';
    const ended = new Promise<void>((resolve) => socket.on('end', resolve).on('close', resolve));
    socket.on('data', (d) => (received += d));
    await waitFor('the stream to open', () => received.includes(': proofmarket events'), 10_000);
    socket.pause(); // reads nothing more: the kernel's buffers fill, then the server's

    const reader = new ProofMarketClient({ baseUrl: slow.url! });
    const from = (await storedIds(slow.db)).at(-1) ?? '0';
    const N = 10_000; // ~10 MB: more than the kernel's socket buffers take, and the limit
    const fast = take(reader.events({ kind: 'test.' }, within({ after: from })), N);
    await slow.db.query(`INSERT INTO events (kind, at, detail) SELECT 'test.bulk', now(), jsonb_build_object('pad', repeat('x', 1000)) FROM generate_series(1, ${N})`);
    assert.equal((await fast).length, N, 'a client that reads gets every event');

    socket.resume();
    await ended;
    const messages = received.split('\n\n');
    const last = messages.filter((m) => m.trim()).at(-1)!;
    assert.match(last, /^event: overflow\ndata: .*reconnect with the Last-Event-ID header/);
    const delivered = messages.filter((m) => m.includes('event: test.bulk')).length;
    assert.ok(delivered < N, `it was dropped before the end (${delivered} of ${N})`);
  } finally {
    await slow.close();
  }
});

test('closing the coordinator ends the open streams', async () => {
  const other = await start();
  const raw = await openRaw(`${other.url}/v1/events`);
  await waitFor('the stream to open', () => raw.text().includes(': proofmarket events'), 10_000);
  await other.close();
  assert.equal(await raw.ended, true, 'ended by the server, cleanly');
});

test('two coordinators on one PostgreSQL both stream every event, whichever wrote it, in order', async (t) => {
  const url = await freshPostgresUrl(t);
  if (!url) return;
  const dbA = await openDb({ databaseUrl: url, poolSize: 8 });
  const dbB = await openDb({ databaseUrl: url, poolSize: 8 });
  const a = await start({ db: dbA });
  const b = await start({ db: dbB });
  t.after(async () => {
    await a.close();
    await b.close();
    await dbA.close();
    await dbB.close();
  });
  const pmA = new ProofMarketClient({ baseUrl: a.url! });
  const pmB = new ProofMarketClient({ baseUrl: b.url! });
  await setUpMarket(pmA);
  const from = (await storedIds(dbA)).at(-1) ?? '0';

  const N = 20; // requests through each coordinator, at once: commits interleave, ids commit out of order
  const expected = 4 * N;
  const onA = take(pmA.events({}, within({ after: from })), expected);
  const onB = take(pmB.events({}, within({ after: from })), expected);
  const filteredOnB = take(pmB.events({ kind: 'request.submitted' }, within({ after: from })), 2 * N);
  await Promise.all(Array.from({ length: N }, async (_, i) => {
    await submitAndCancel(i % 2 ? pmA : pmB);
    await submitAndCancel(i % 2 ? pmB : pmA);
  }));

  const all = await storedIds(dbA, from);
  assert.equal(all.length, expected);
  assert.deepEqual((await onA).map((e) => e.id), all, 'A streams every event, in id order');
  assert.deepEqual((await onB).map((e) => e.id), all, 'B streams every event, in id order');
  assert.deepEqual((await filteredOnB).map((e) => e.id), await storedIds(dbA, from, "kind = 'request.submitted'"), 'filtered');
});
