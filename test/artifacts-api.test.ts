// GET/POST /v1/artifacts on a listening coordinator, through the SDK and raw fetch: CIDs, ranges, cache headers,
// signed streamed uploads, the size cap, and a damaged blob refused.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCoordinator, type Coordinator } from '../src/coordinator/coordinator.ts';
import { ProofMarketClient, ProofMarketError } from '../src/sdk/client.ts';
import { privateKeySigner } from '../src/sdk/signer.ts';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { LocalDriver } from '../src/artifacts/drivers/local.ts';
import { cidOfBytes } from '../src/artifacts/cid.ts';

const HELLO_CID = 'bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4';
const CAP = 8 << 20;
let c: Coordinator;
let pm: ProofMarketClient;
const signer = privateKeySigner(`0x${randomBytes(32).toString('hex')}`);

before(async () => {
  c = await startCoordinator({ dataDir: 'memory://', logLevel: 'silent', verifierThreads: 1, host: '127.0.0.1', port: 0, open: false, artifactMaxBytes: CAP }, { scheduler: false });
  pm = new ProofMarketClient({ baseUrl: c.url!, signer });
});
after(async () => {
  await c?.close();
  await terminateCurves();
});

const driver = () => c.market.artifacts.driver as LocalDriver;
const blobCount = () => readdirSync(join(driver().root, 'blobs'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
const hex = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

test('put answers the CID `ipfs add --cid-version 1` gives; get serves it with immutable cache headers', async () => {
  assert.deepEqual(await pm.putArtifact(new TextEncoder().encode('hello world\n')), { cid: HELLO_CID, size: 12 });
  const res = await fetch(`${c.url}/v1/artifacts/${HELLO_CID}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('etag'), `"${HELLO_CID}"`);
  assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal(res.headers.get('accept-ranges'), 'bytes');
  assert.equal(res.headers.get('content-type'), 'application/octet-stream');
  assert.equal(res.headers.get('content-length'), '12');
  assert.equal(await res.text(), 'hello world\n');
  assert.equal(Buffer.from(await pm.getArtifact(HELLO_CID)).toString(), 'hello world\n');
  const again = await fetch(`${c.url}/v1/artifacts/${HELLO_CID}`, { headers: { 'if-none-match': `"${HELLO_CID}"` } });
  assert.equal(again.status, 304);
});

test('Range: 206 with Content-Range; 416 outside the artifact', async () => {
  const part = await fetch(`${c.url}/v1/artifacts/${HELLO_CID}`, { headers: { range: 'bytes=6-10' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), 'bytes 6-10/12');
  assert.equal(await part.text(), 'world');
  const tail = await fetch(`${c.url}/v1/artifacts/${HELLO_CID}`, { headers: { range: 'bytes=-3' } });
  assert.equal(await tail.text(), 'ld\n');
  const outside = await fetch(`${c.url}/v1/artifacts/${HELLO_CID}`, { headers: { range: 'bytes=12-' } });
  assert.equal(outside.status, 416);
  assert.equal(outside.headers.get('content-range'), 'bytes */12');
  assert.equal(((await outside.json()) as { error: { code: string } }).error.code, 'range_not_satisfiable');
});

test('unknown CID: 404 cid_not_found; malformed: 400 invalid_cid', async () => {
  const unknown = await fetch(`${c.url}/v1/artifacts/${await cidOfBytes(new TextEncoder().encode('nobody stored this'))}`);
  assert.equal(unknown.status, 404);
  assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'cid_not_found');
  for (const bad of ['not-a-cid', 'QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH', 'bafy']) {
    const res = await fetch(`${c.url}/v1/artifacts/${bad}`);
    assert.equal(res.status, 400, bad);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'invalid_cid', bad);
  }
});

test('uploads are signed over their declared sha256, and the body must be the one declared', async () => {
  const unsigned = await fetch(`${c.url}/v1/artifacts`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: 'x' });
  assert.equal(unsigned.status, 401);
  const before = blobCount();
  // signed over a hash it does not declare
  const url = new URL('/v1/artifacts', c.url);
  const headers = await signer.sign({ method: 'POST', host: url.host, path: url.pathname, body: 'abc' });
  const undeclared = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/octet-stream' }, body: 'abc' });
  assert.equal(((await undeclared.json()) as { error: { code: string } }).error.code, 'content_sha256_missing');
  // signed and declared, but other bytes sent
  const h2 = await signer.sign({ method: 'POST', host: url.host, path: url.pathname, bodySha256: hex('abc') });
  const swapped = await fetch(url, { method: 'POST', headers: { ...h2, 'x-pm-content-sha256': hex('abc'), 'content-type': 'application/octet-stream' }, body: 'abd' });
  assert.equal(swapped.status, 400);
  assert.equal(((await swapped.json()) as { error: { code: string } }).error.code, 'content_sha256_mismatch');
  assert.equal(blobCount(), before, 'nothing stored');
  const json = await fetch(url, { method: 'POST', headers: { ...(await signer.sign({ method: 'POST', host: url.host, path: url.pathname, body: '{}' })), 'content-type': 'application/json' }, body: '{}' });
  assert.equal(json.status, 415);
});

test('a streamed upload of several chunks, and the size cap', async () => {
  const big = randomBytes(3 << 20);
  async function* pieces(bytes: Uint8Array) {
    for (let i = 0; i < bytes.length; i += 100_000) yield bytes.subarray(i, i + 100_000);
  }
  const put = await pm.putArtifact({ stream: pieces(big), sha256: hex(big) });
  assert.deepEqual(put, { cid: await cidOfBytes(big), size: big.length });
  assert.ok(Buffer.from(await pm.getArtifact(put.cid)).equals(big));

  const before = blobCount();
  const tooBig = randomBytes(CAP + 1);
  await assert.rejects(pm.putArtifact(tooBig), (e: unknown) => e instanceof ProofMarketError && e.code === 'artifact_too_large' && e.status === 413);
  // streamed without a length: refused mid-stream (the answer may race the connection's end)
  await pm.putArtifact({ stream: pieces(tooBig), sha256: hex(tooBig) }).then(
    () => assert.fail('stored past the cap'),
    (e: unknown) => assert.ok(!(e instanceof ProofMarketError) || e.code === 'artifact_too_large', String(e)),
  );
  assert.equal(blobCount(), before, 'nothing stored past the cap');
  assert.deepEqual(readdirSync(driver().spoolDir), []);
});

test('a damaged blob is refused (503 artifact_corrupt), never served', async () => {
  const { cid } = await pm.putArtifact(new TextEncoder().encode('precious bytes'));
  writeFileSync(driver().pathOf(cid), 'precious bytez');
  const res = await fetch(`${c.url}/v1/artifacts/${cid}`);
  assert.equal(res.status, 503);
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'artifact_corrupt');
  await assert.rejects(pm.getArtifact(cid), (e: unknown) => e instanceof ProofMarketError && e.code === 'artifact_corrupt');
});
