// Per-address rate limits: a client over its budget gets 429 `rate_limited` (with retry-after), while another
// client keeps being served; loopback is exempt unless asked; `serve --rate-limit` parses its flag.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { testCoordinator, type TestCoordinator } from './support/coordinator.ts';
import { configFromFlags } from '../src/cli/commands/serve.ts';
import { startCoordinator } from '../src/coordinator/coordinator.ts';

let c: TestCoordinator;
before(async () => {
  c = await testCoordinator({ rateLimit: { max: 20, windowMs: 60_000, limitLoopback: false } });
});
after(() => c.close());

const from = (remoteAddress: string) => c.app.inject({ method: 'GET', url: '/v1/backends', remoteAddress });

test('a flooding client is refused with 429 rate_limited; another client is still served', async () => {
  // One after the other: inject's mock sockets do not model 60 concurrent connections (a real flood over HTTP
  // is in the last test).
  const flood = [];
  for (let i = 0; i < 60; i++) flood.push(await from('10.0.0.1'));
  const statuses = flood.map((r) => r.statusCode);
  assert.equal(statuses.filter((s) => s === 200).length, 20, 'the budget is served');
  assert.equal(statuses.filter((s) => s === 429).length, 40, 'the rest is refused');
  const refused = flood.find((r) => r.statusCode === 429)!;
  assert.equal(refused.json().error.code, 'rate_limited');
  assert.ok(Number(refused.headers['retry-after']) > 0, 'it says when to retry');
  for (let i = 0; i < 10; i++) assert.equal((await from('10.0.0.2')).statusCode, 200, 'the other client is not starved');
  assert.equal((await from('10.0.0.1')).statusCode, 429, 'the flooder stays limited within its window');
});

test('loopback clients are exempt by default (the demo and local prover nodes)', async () => {
  const local = await Promise.all(Array.from({ length: 60 }, () => from('127.0.0.1')));
  assert.ok(local.every((r) => r.statusCode === 200));
});

test('a limited loopback and the limit turned off', async () => {
  const strict = await testCoordinator({ rateLimit: { max: 5, windowMs: 60_000, limitLoopback: true } });
  const off = await testCoordinator({ rateLimit: { max: 0, windowMs: 60_000, limitLoopback: true } });
  try {
    const a = [];
    for (let i = 0; i < 10; i++) a.push(await strict.app.inject({ method: 'GET', url: '/v1/backends' }));
    assert.equal(a.filter((r) => r.statusCode === 429).length, 5);
    for (let i = 0; i < 10; i++) assert.equal((await off.app.inject({ method: 'GET', url: '/v1/backends', remoteAddress: '10.0.0.9' })).statusCode, 200);
  } finally {
    await strict.close();
    await off.close();
  }
});

test('over real HTTP, 60 concurrent calls from one address: the budget is served, the rest refused', async () => {
  const live = await startCoordinator(
    { dataDir: 'memory://', logLevel: 'silent', verifierThreads: 1, host: '127.0.0.1', port: 0, open: true, rateLimit: { max: 20, windowMs: 60_000, limitLoopback: true } },
    { scheduler: false },
  );
  try {
    const statuses = (await Promise.all(Array.from({ length: 60 }, () => fetch(`${live.url}/v1/backends`)))).map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, 20);
    assert.equal(statuses.filter((s) => s === 429).length, 40);
  } finally {
    await live.close();
  }
});

test('serve --rate-limit CALLS/SECONDS', () => {
  assert.deepEqual(configFromFlags({ 'rate-limit': '100/5' }).rateLimit, { max: 100, windowMs: 5_000, limitLoopback: false });
  assert.deepEqual(configFromFlags({ 'rate-limit': '0' }).rateLimit?.max, 0);
  assert.equal(configFromFlags({ 'rate-limit-loopback': true }).rateLimit?.limitLoopback, true);
  for (const bad of ['x', '10/0', '-1', '10/'] as const) assert.throws(() => configFromFlags({ 'rate-limit': bad }), /--rate-limit/);
});
