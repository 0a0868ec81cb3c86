// The routes the dashboard added: the request history (filters, text search, paging, total), the charts' series,
// the request's public signals, and the dashboard's own files (content types, caching, compression, CSP).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { testCoordinator, type TestCoordinator } from './support/coordinator.ts';

let c: TestCoordinator;
let program: string;
const b64 = (bytes: number[]) => Buffer.from(bytes).toString('base64');

before(async () => {
  c = await testCoordinator();
  const programs = (await c.call('GET', '/programs')).body as Array<{ program_id: string; name: string; proof_system: string }>;
  program = programs.find((p) => p.name === 'data-commitment' && p.proof_system === 'groth16')!.program_id;
});
after(async () => {
  await c.close();
  await terminateCurves();
});

test('GET /v1/requests: newest first, filtered, searched and paged, with the total', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) {
    const requester = i % 2 === 0 ? 'alice' : 'bob';
    const r = await c.call('POST', '/v1/requests', { request_id: `req-${i}`, requester, program_id: program, input: b64([i + 1]), backend: 'groth16', max_price: String(100 + i) });
    assert.equal(r.status, 201, r.raw);
    ids.push(r.body.request_id);
    c.clock.advance(1000);
  }
  const all = await c.call('GET', '/v1/requests');
  assert.equal(all.status, 200, all.raw);
  assert.equal(all.body.total, 7);
  assert.deepEqual(all.body.items.map((r: { request_id: string }) => r.request_id), [...ids].reverse());
  assert.deepEqual(Object.keys(all.body.items[0]).sort(), ['assigned_prover', 'attempts', 'backend', 'created_at', 'max_price', 'mechanism', 'price', 'program_id', 'request_id', 'requester', 'round', 'status', 'updated_at']);
  assert.equal(all.body.items[0].max_price, '106');

  const alice = await c.call('GET', '/v1/requests?requester=alice&limit=2&offset=1');
  assert.equal(alice.body.total, 4);
  assert.deepEqual(alice.body.items.map((r: { request_id: string }) => r.request_id), ['req-4', 'req-2']);
  assert.equal(alice.body.offset, 1);

  const text = await c.call('GET', '/v1/requests?q=req-3');
  assert.deepEqual(text.body.items.map((r: { request_id: string }) => r.request_id), ['req-3']);
  assert.equal((await c.call('GET', '/v1/requests?q=%25')).body.total, 0, 'a % in the text is a literal, not a wildcard');

  const created = all.body.items.map((r: { created_at: string }) => r.created_at);
  const window = await c.call('GET', `/v1/requests?from=${encodeURIComponent(created[4])}&to=${encodeURIComponent(created[2])}`);
  assert.equal(window.body.total, 3);
  assert.equal((await c.call('GET', '/v1/requests?status=completed')).body.total, 0);
  assert.equal((await c.call('GET', `/v1/requests?program_id=${program}&backend=groth16&status=pending`)).body.total, 7);

  for (const bad of ['limit=0', 'limit=1001', 'offset=-1', 'status=done', 'from=yesterday', 'nope=1']) {
    const r = await c.call('GET', `/v1/requests?${bad}`);
    assert.equal(r.status, 400, `${bad}: ${r.raw}`);
    assert.equal(r.body.error.code, 'invalid_request');
  }

  const one = await c.call('GET', '/v1/requests/req-0');
  assert.equal(one.body.public_signals.length, 1, 'the public signals a proof of it must carry');
});

test('GET /v1/stats/series: a bucket per step of the period, requests by status, verdicts', async () => {
  const s = await c.call('GET', '/v1/stats/series?period=1h');
  assert.equal(s.status, 200, s.raw);
  assert.equal(s.body.buckets.length, 12);
  const pending = s.body.buckets.reduce((n: number, b: { by_status: { pending: number } }) => n + b.by_status.pending, 0);
  assert.equal(pending, 7);
  assert.deepEqual(Object.keys(s.body.buckets[0]).sort(), ['by_status', 'end', 'prices', 'proof_p50_ms', 'proof_p99_ms', 'rejected', 'start', 'verified']);
  assert.equal((await c.call('GET', '/v1/stats/series?period=2h')).body.error.code, 'invalid_period');
});

test('GET / serves the dashboard: html revalidated with a CSP, hashed assets cached for a year, compressed as accepted', async () => {
  const index = await c.app.inject({ method: 'GET', url: '/', headers: { 'accept-encoding': 'identity' } });
  assert.equal(index.statusCode, 200, index.body);
  assert.match(String(index.headers['content-type']), /^text\/html/);
  assert.equal(index.headers['cache-control'], 'no-cache');
  assert.match(String(index.headers['content-security-policy']), /default-src 'self'/);
  const scripts = [...index.body.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  assert.ok(scripts.some((s) => s.endsWith('.js')) && scripts.some((s) => s.endsWith('.css')), index.body);
  assert.doesNotMatch(index.body, /https?:\/\//, 'nothing from another origin');
  for (const path of scripts) {
    const plain = await c.app.inject({ method: 'GET', url: path });
    assert.equal(plain.statusCode, 200);
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(String(plain.headers['content-type']), path.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
    const br = await c.app.inject({ method: 'GET', url: path, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(brotliDecompressSync(br.rawPayload).toString(), plain.body);
    const gz = await c.app.inject({ method: 'GET', url: path, headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gz.rawPayload).toString(), plain.body);
  }
  const missing = await c.call('GET', '/assets/nope.js');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'route_not_found');
});
