// The server side of signed requests, on a real coordinator (in-memory PGlite, manual clock) with echo routes,
// so the checks are tested apart from what any market route does with the signer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AUTH_HEADERS } from '../domain/auth.ts';
import { privateKeySigner, type Signer } from '../sdk/signer.ts';
import { testCoordinator, type TestCoordinator } from '../../test/support/coordinator.ts';
import { INJECT_HOST } from '../../test/support/signing.ts';

const KEY_A = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const KEY_B = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a';

let closed: TestCoordinator;
let open: TestCoordinator;
let a: Signer;
let b: Signer;

function echoRoutes(c: TestCoordinator) {
  const handler = async (req: { signer: string | undefined; body: unknown }) => ({ signer: req.signer ?? null, body: req.body ?? null });
  c.app.post('/test/echo', handler);
  c.app.delete('/test/echo/:x', handler);
  c.app.get('/test/echo', handler);
}

before(async () => {
  closed = await testCoordinator({ open: false, authWindowMs: 300_000 });
  open = await testCoordinator({ open: true });
  echoRoutes(closed);
  echoRoutes(open);
  // the signers' clock is the coordinator's manual clock
  a = privateKeySigner(KEY_A, { now: () => closed.clock.now().getTime() });
  b = privateKeySigner(KEY_B, { now: () => closed.clock.now().getTime() });
});
after(async () => {
  await closed?.close();
  await open?.close();
});

/** Sends `body` (a string: exactly those bytes) with the given headers. */
async function send(c: TestCoordinator, method: string, url: string, body: string | undefined, headers: Record<string, string>) {
  const res = await c.app.inject({
    method: method as 'POST',
    url,
    payload: body,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
  });
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

async function signed(c: TestCoordinator, signer: Signer, method: string, url: string, body?: string) {
  return send(c, method, url, body, await signer.sign({ host: INJECT_HOST, method, path: url, body: body ?? '' }));
}

const without = (h: Record<string, string>, name: string) => Object.fromEntries(Object.entries(h).filter(([k]) => k !== name));
const code = (r: { body: { error?: { code: string } } }) => r.body.error?.code;

test('a signed call passes and sets req.signer to the lower-case address', async () => {
  const r = await signed(closed, a, 'POST', '/test/echo?x=1', '{"hello":"wörld"}');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body, { signer: a.address, body: { hello: 'wörld' } });
  assert.match(a.address, /^0x[0-9a-f]{40}$/);
  const del = await signed(closed, b, 'DELETE', '/test/echo/42');
  assert.equal(del.status, 200, JSON.stringify(del.body));
  assert.equal(del.body.signer, b.address);
});

test('unsigned: 401 signature_missing on a mutating call; a GET passes unsigned; --open lets both through', async () => {
  const r = await send(closed, 'POST', '/test/echo', '{}', {});
  assert.equal(r.status, 401);
  assert.equal(code(r), 'signature_missing');
  assert.match(r.body.error.message, /x-pm-signature/);
  assert.equal(code(await send(closed, 'DELETE', '/test/echo/1', undefined, {})), 'signature_missing');
  const get = await send(closed, 'GET', '/test/echo', undefined, {});
  assert.deepEqual([get.status, get.body.signer], [200, null]);
  const o = await send(open, 'POST', '/test/echo', '{"a":1}', {});
  assert.deepEqual([o.status, o.body], [200, { signer: null, body: { a: 1 } }]);
});

test('--open still verifies a signed call, and refuses a bad one', async () => {
  const s = privateKeySigner(KEY_A, { now: () => open.clock.now().getTime() });
  const ok = await signed(open, s, 'POST', '/test/echo', '{}');
  assert.equal(ok.body.signer, s.address);
  const h = await s.sign({ host: INJECT_HOST, method: 'POST', path: '/test/echo', body: '{}' });
  const tampered = await send(open, 'POST', '/test/echo', '{ }', h);
  assert.deepEqual([tampered.status, code(tampered)], [401, 'signature_invalid']);
});

test('a signed GET is verified too', async () => {
  const r = await signed(closed, a, 'GET', '/test/echo?q=1');
  assert.equal(r.body.signer, a.address);
  const h = await a.sign({ host: INJECT_HOST, method: 'GET', path: '/test/echo?q=1' });
  const other = await send(closed, 'GET', '/test/echo?q=2', undefined, h);
  assert.deepEqual([other.status, code(other)], [401, 'signature_invalid']);
});

test('the 401 codes: malformed, wrong key, tampered body/path/method/host, replay, old and future timestamps', async () => {
  const body = '{"amount":"100"}';
  const h = await a.sign({ host: INJECT_HOST, method: 'POST', path: '/test/echo', body });
  const cases: [string, () => Promise<{ status: number; body: any }>, string, RegExp?][] = [
    ['partial headers', () => send(closed, 'POST', '/test/echo', body, without(h, AUTH_HEADERS.nonce)), 'signature_malformed', /missing x-pm-nonce/],
    ['signature of the wrong length', () => send(closed, 'POST', '/test/echo', body, { ...h, [AUTH_HEADERS.signature]: h[AUTH_HEADERS.signature]!.slice(0, -2) }), 'signature_malformed'],
    ['address not an address', () => send(closed, 'POST', '/test/echo', body, { ...h, [AUTH_HEADERS.address]: 'alice' }), 'signature_malformed'],
    ['timestamp not a number', () => send(closed, 'POST', '/test/echo', body, { ...h, [AUTH_HEADERS.timestamp]: 'yesterday' }), 'signature_malformed'],
    ['wrong key: B claims to be A', async () => send(closed, 'POST', '/test/echo', body, { ...(await b.sign({ host: INJECT_HOST, method: 'POST', path: '/test/echo', body })), [AUTH_HEADERS.address]: a.address }), 'signature_invalid', /not 0x[0-9a-f]{40}'s/],
    ['body tampered', () => send(closed, 'POST', '/test/echo', '{"amount":"900"}', h), 'signature_invalid'],
    ['path tampered', () => send(closed, 'POST', '/test/echo?x=1', body, h), 'signature_invalid'],
    ['method tampered', () => send(closed, 'DELETE', '/test/echo/1', body, h), 'signature_invalid'],
    // a call signed for one coordinator, replayed to another (which keeps its own nonces)
    ['sent to another host', () => send(closed, 'POST', '/test/echo', body, { ...h, host: 'staging.example.org:7777' }), 'signature_invalid'],
    ['garbage signature of the right form', () => send(closed, 'POST', '/test/echo', body, { ...h, [AUTH_HEADERS.signature]: `0x${'00'.repeat(64)}1b` }), 'signature_invalid'],
  ];
  for (const [name, call, expected, message] of cases) {
    const r = await call();
    assert.equal(r.status, 401, `${name}: ${JSON.stringify(r.body)}`);
    assert.equal(code(r), expected, `${name}: ${r.body.error?.message}`);
    if (message) assert.match(r.body.error.message, message, name);
  }
  // none of those used up the nonce: the genuine call still goes through, once
  const first = await send(closed, 'POST', '/test/echo', body, h);
  assert.equal(first.status, 200, JSON.stringify(first.body));
  const replay = await send(closed, 'POST', '/test/echo', body, h);
  assert.deepEqual([replay.status, code(replay)], [401, 'nonce_replayed']);
  // the same nonce by another signer is that signer's own
  const hb = await privateKeySigner(KEY_B, { now: () => closed.clock.now().getTime(), nonce: () => h[AUTH_HEADERS.nonce]! }).sign({ host: INJECT_HOST, method: 'POST', path: '/test/echo', body });
  assert.equal((await send(closed, 'POST', '/test/echo', body, hb)).status, 200);
});

test('timestamps outside the window either way are refused; inside it, accepted', async () => {
  const at = (ms: number) => privateKeySigner(KEY_A, { now: () => closed.clock.now().getTime() + ms });
  const old = await signed(closed, at(-301_000), 'POST', '/test/echo', '{}');
  assert.deepEqual([old.status, code(old)], [401, 'timestamp_out_of_window']);
  assert.match(old.body.error.message, /behind/);
  const future = await signed(closed, at(+301_000), 'POST', '/test/echo', '{}');
  assert.deepEqual([future.status, code(future)], [401, 'timestamp_out_of_window']);
  assert.match(future.body.error.message, /ahead of/);
  assert.equal((await signed(closed, at(-299_000), 'POST', '/test/echo', '{}')).status, 200);
  assert.equal((await signed(closed, at(+299_000), 'POST', '/test/echo', '{}')).status, 200);
  // a call signed now and sent after the window has passed
  const h = await a.sign({ host: INJECT_HOST, method: 'POST', path: '/test/echo', body: '{}' });
  closed.clock.advance(300_001);
  const late = await send(closed, 'POST', '/test/echo', '{}', h);
  assert.deepEqual([late.status, code(late)], [401, 'timestamp_out_of_window']);
});

test('the JSON parser keeps its errors: malformed and empty JSON are 400 malformed_json, signed or not', async () => {
  for (const c of [open, closed]) {
    const s = privateKeySigner(KEY_A, { now: () => c.clock.now().getTime() });
    for (const bad of ['{"a":', '']) {
      const unsignedR = await send(c, 'POST', '/test/echo', bad, {});
      if (c === open) assert.deepEqual([unsignedR.status, code(unsignedR)], [400, 'malformed_json']);
      else assert.deepEqual([unsignedR.status, code(unsignedR)], [401, 'signature_missing'], 'refused before the body is read');
      const signedR = await signed(c, s, 'POST', '/test/echo', bad);
      assert.deepEqual([signedR.status, code(signedR)], [400, 'malformed_json'], JSON.stringify(bad));
    }
    const proto = await signed(c, s, 'POST', '/test/echo', '{"__proto__":{"x":1}}');
    assert.equal(proto.status, 400, 'prototype poisoning is still refused');
  }
});

test('an unknown route is 404 before any signature check', async () => {
  const r = await send(closed, 'POST', '/no/such/route', '{}', {});
  assert.deepEqual([r.status, code(r)], [404, 'route_not_found']);
});

// Speed is the benches' business (timings are noisy on a shared machine); this checks that many fresh
// signatures in a row each pass, so a nonce store that wrongly collides would show here.
test('100 signed calls in a row, each with a fresh nonce, all pass', async () => {
  const n = 100;
  const calls = await Promise.all(Array.from({ length: n }, () => a.sign({ host: INJECT_HOST, method: 'POST', path: '/test/echo', body: '{}' })));
  for (const h of calls) assert.equal((await send(closed, 'POST', '/test/echo', '{}', h)).status, 200);
});
