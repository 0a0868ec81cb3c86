import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { recoverMessageAddress } from 'viem';
import { AUTH_HEADERS, bodySha256, parseAuthHeaders, signingMessage } from '../domain/auth.ts';
import { newNonce, privateKeySigner, type Signer } from './signer.ts';
import { httpRequest } from './http.ts';
import { ProofMarketClient } from './client.ts';

// anvil's / hardhat's first dev account: a public test vector, never a real key
const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const ADDRESS = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
const HOST = '127.0.0.1:7777';

/** Checks headers as the coordinator does (minus the clock and the nonce store); answers the signer or a code. */
async function verify(method: string, path: string, body: Uint8Array | string, headers: Record<string, string | string[] | undefined>, host = HOST): Promise<string> {
  const p = parseAuthHeaders(headers);
  if (!p.ok) return p.problem.code;
  const message = signingMessage({ method, host, path, bodySha256: bodySha256(body), timestamp: p.value.timestamp, nonce: p.value.nonce });
  const who = (await recoverMessageAddress({ message, signature: p.value.signature })).toLowerCase();
  return who === p.value.address ? who : 'signature_invalid';
}

test('privateKeySigner: the address is the key\'s, lower case; the headers verify over exactly what was signed', async () => {
  const signer = privateKeySigner(KEY, { now: () => 1767225600000, nonce: () => 'fixed-nonce-0123456789' });
  assert.equal(signer.address, ADDRESS);
  const h = await signer.sign({ host: HOST, method: 'POST', path: '/v1/requests?dry=1', body: '{"a":1}' });
  assert.deepEqual(Object.keys(h).sort(), Object.values(AUTH_HEADERS).sort());
  assert.equal(h[AUTH_HEADERS.timestamp], '1767225600000');
  assert.equal(h[AUTH_HEADERS.nonce], 'fixed-nonce-0123456789');
  assert.match(h[AUTH_HEADERS.signature]!, /^0x[0-9a-f]{130}$/);
  assert.equal(await verify('POST', '/v1/requests?dry=1', '{"a":1}', h), ADDRESS);
  assert.equal(await verify('POST', '/v1/requests?dry=1', new TextEncoder().encode('{"a":1}'), h), ADDRESS, 'bytes and string alike');
  // anything else signed differently: another body, path, query, method
  assert.equal(await verify('POST', '/v1/requests?dry=1', '{"a":2}', h), 'signature_invalid');
  assert.equal(await verify('POST', '/v1/requests', '{"a":1}', h), 'signature_invalid');
  assert.equal(await verify('POST', '/v1/requests?dry=2', '{"a":1}', h), 'signature_invalid');
  assert.equal(await verify('PUT', '/v1/requests?dry=1', '{"a":1}', h), 'signature_invalid');
  // the same call sent to another coordinator than the one it was signed for
  assert.equal(await verify('POST', '/v1/requests?dry=1', '{"a":1}', h, '127.0.0.1:7778'), 'signature_invalid');
  // another timestamp or nonce in the headers than the one signed
  assert.equal(await verify('POST', '/v1/requests?dry=1', '{"a":1}', { ...h, [AUTH_HEADERS.timestamp]: '1767225600001' }), 'signature_invalid');
  assert.equal(await verify('POST', '/v1/requests?dry=1', '{"a":1}', { ...h, [AUTH_HEADERS.nonce]: 'fixed-nonce-0123456780' }), 'signature_invalid');
});

test('privateKeySigner: a fresh nonce each call; bad keys are refused', async () => {
  const signer = privateKeySigner(KEY);
  const a = await signer.sign({ host: HOST, method: 'DELETE', path: '/x' });
  const b = await signer.sign({ host: HOST, method: 'DELETE', path: '/x' });
  assert.notEqual(a[AUTH_HEADERS.nonce], b[AUTH_HEADERS.nonce]);
  assert.match(newNonce(), /^[A-Za-z0-9_-]{22}$/);
  assert.equal(await verify('DELETE', '/x', '', a), ADDRESS, 'no body = the hash of nothing');
  assert.throws(() => privateKeySigner('0x1234'), /64 hex/);
  assert.throws(() => privateKeySigner(KEY.slice(2)), /64 hex/);
});

/** A server that records what arrives, byte for byte. */
async function recorder() {
  const seen: { method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return { seen, base: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}

test('httpRequest with a signer signs the host, path, query and body bytes that go on the wire', async (t) => {
  const srv = await recorder();
  t.after(srv.close);
  const signer = privateKeySigner(KEY);
  const body = JSON.stringify({ name: 'zkp ✓', n: [1, 2, 3] }); // non-ASCII: the bytes, not the characters
  await httpRequest(`${srv.base}/v1/things/a%20b?x=1&y=%C3%A9`, 'POST', body, 5_000, { 'x-extra': '1' }, signer);
  const [r] = srv.seen;
  assert.equal(r!.url, '/v1/things/a%20b?x=1&y=%C3%A9');
  assert.equal(r!.headers['x-extra'], '1');
  assert.equal(await verify(r!.method, r!.url, r!.body, r!.headers, String(r!.headers.host)), ADDRESS);
  // unsigned without a signer
  await httpRequest(`${srv.base}/plain`, 'POST', '{}', 5_000);
  assert.equal(srv.seen[1]!.headers[AUTH_HEADERS.signature], undefined);
});

test('ProofMarketClient({ signer }) signs mutating calls and the poll, not other reads', async (t) => {
  const srv = await recorder();
  t.after(srv.close);
  const signer: Signer = privateKeySigner(KEY);
  const pm = new ProofMarketClient({ baseUrl: srv.base, signer });
  assert.equal(pm.address, ADDRESS);
  await pm.heartbeat({ prover_id: 'p-1' });
  await pm.assignTask('p-1');
  await pm.getTask('t-1');
  await pm.listTasks({ status: 'pending', limit: 5 });
  const [hb, poll, get, list] = srv.seen;
  assert.equal(await verify(hb!.method, hb!.url, hb!.body, hb!.headers, String(hb!.headers.host)), ADDRESS);
  assert.equal(await verify(poll!.method, poll!.url, poll!.body, poll!.headers, String(poll!.headers.host)), ADDRESS, 'the poll claims a task: signed');
  assert.equal(get!.headers[AUTH_HEADERS.signature], undefined);
  assert.equal(list!.headers[AUTH_HEADERS.signature], undefined);
  const unsigned = new ProofMarketClient({ baseUrl: srv.base });
  assert.equal(unsigned.address, undefined);
  await unsigned.heartbeat({ prover_id: 'p-1' });
  assert.equal(srv.seen[4]!.headers[AUTH_HEADERS.signature], undefined);
});

test('messageSigner: the headers of privateKeySigner, with the signature from the callback (a wallet)', async () => {
  const { messageSigner, privateKeySigner, personalSign } = await import('./signer.ts');
  const key = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
  const fixed = { now: () => 1_700_000_000_000, nonce: () => 'n0nce' };
  const local = privateKeySigner(key, fixed);
  const bytes = Uint8Array.from(Buffer.from(key.slice(2), 'hex'));
  const wallet = messageSigner('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', (m) => personalSign(m, bytes), fixed);
  const req = { method: 'POST', host: '127.0.0.1:1', path: '/v1/requests', body: '{"a":1}' };
  assert.equal(wallet.address, local.address);
  assert.deepEqual(await wallet.sign(req), await local.sign(req));
});
