// The SDK in a browser: src/sdk/index.ts bundled by esbuild for the browser must need no Node builtin, and the
// bundle, run here against a live coordinator through the global fetch, must work — signatures included (in the
// bundle the signer has no libsecp256k1, so it signs with noble). Then the portable crypto is checked byte for
// byte against node:crypto and libsecp256k1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { builtinModules } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { startCoordinator } from '../src/coordinator/coordinator.ts';
import { bodySha256 } from '../src/domain/auth.ts';
import { newId } from '../src/domain/ids.ts';
import { sealedCommitment } from '../src/domain/market/sealed.ts';
import { base64url, newNonce, personalSign } from '../src/sdk/signer.ts';
import { nodeOnly } from '../src/sdk/platform.ts';
import { defaultExchange } from '../src/sdk/http.ts';
import type * as Sdk from '../src/sdk/index.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
// anvil's / hardhat's first dev account: a public test vector, never a real key
const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

async function bundleForBrowser(): Promise<{ code: string; metafile: Metafile; warnings: string[] }> {
  const result = await build({
    entryPoints: [join(ROOT, 'src/sdk/index.ts')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: ROOT,
  });
  return { code: result.outputFiles[0]!.text, metafile: result.metafile, warnings: result.warnings.map((w) => w.text) };
}

test('the SDK bundles for the browser with no Node builtin, undici or wasm in it', async (t) => {
  // esbuild refuses a Node builtin on platform 'browser' ("…is built into node"): the build itself is the first check.
  const { code, metafile, warnings } = await bundleForBrowser();
  const inputs = Object.keys(metafile.inputs);
  const builtins = Object.entries(metafile.inputs).flatMap(([file, i]) => i.imports.filter((imp) => BUILTINS.has(imp.path)).map((imp) => `${file} → ${imp.path}`));
  assert.deepEqual(builtins, [], 'imports of Node builtins in the bundle');
  // Our files in it: only what the SDK is made of, and none of them names a node: module.
  const ours = inputs.filter((f) => f.startsWith('src/'));
  const outside = ours.filter((f) => !/^src\/(sdk|domain|api)\//.test(f)); // today src/proofs/envelope.ts
  assert.deepEqual(outside.filter((f) => /^src\/(store|coordinator|cli|prover)\//.test(f)), [], 'server or CLI code in the SDK bundle');
  for (const f of ours) assert.doesNotMatch(readFileSync(join(ROOT, f), 'utf8'), /from '(node:|fs'|crypto'|http')/, `${f} imports a Node module`);
  // The Node-only engines stay out (platform.ts loads them by a specifier no bundler follows).
  for (const nodeOnly of ['src/sdk/node-http.ts', 'src/sdk/node-secp256k1.ts']) assert.ok(!inputs.includes(nodeOnly), `${nodeOnly} is not bundled`);
  assert.ok(!inputs.some((f) => /node_modules\/(undici|tiny-secp256k1)\//.test(f)), 'neither undici nor tiny-secp256k1 is bundled');
  assert.ok(!code.includes('process.binding') && !/\brequire\(["']node:/.test(code));
  const bytes = Buffer.byteLength(code);
  t.diagnostic(`browser bundle of src/sdk/index.ts: ${(bytes / 1024).toFixed(0)} kB, ${(gzipSync(code).length / 1024).toFixed(0)} kB gzipped, ${inputs.length} modules (ours outside sdk/, domain/, api/: ${outside.join(', ') || 'none'})${warnings.length ? `; esbuild warnings: ${warnings.join(' | ')}` : ''}`);
});

test('the browser bundle works against a live coordinator through the global fetch, signing with noble', async (t) => {
  const { code } = await bundleForBrowser();
  const dir = mkdtempSync(join(tmpdir(), 'pm-sdk-browser-'));
  const file = join(dir, 'sdk.mjs');
  writeFileSync(file, code);
  const coordinator = await startCoordinator({ dataDir: 'memory://', logLevel: 'silent', verifierThreads: 1, host: '127.0.0.1', port: 0, open: false }, { scheduler: false });
  t.after(async () => {
    await coordinator.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const sdk = (await import(pathToFileURL(file).href)) as typeof Sdk;
  const pm = new sdk.ProofMarketClient({ baseUrl: coordinator.url!, fetch: globalThis.fetch });
  assert.equal((await pm.health()).status, 'ok');
  assert.ok((await pm.listPrograms()).some((p) => p.name === 'data-commitment'));

  const missing = await pm.getRequest('no_such_request').catch((e: unknown) => e);
  assert.ok(missing instanceof sdk.NotFoundError && missing instanceof sdk.ProofMarketError);
  assert.deepEqual([missing.status, missing.code, missing.hint], [404, 'request_not_found', sdk.ERRORS.request_not_found.hint]);

  // A closed coordinator: unsigned is refused (401), signed by the bundle's noble signer is verified, then the
  // route runs and finds no such prover (404). The default transport too: in this one-file bundle there is no
  // node-http.ts beside it, so it falls back to the global fetch.
  const signer = sdk.privateKeySigner(KEY);
  const unsigned = await new sdk.ProofMarketClient({ baseUrl: coordinator.url! }).consentSubmitter('p-1').catch((e: unknown) => e);
  assert.ok(unsigned instanceof sdk.AuthError);
  assert.equal(unsigned.code, 'signature_missing');
  const signed = await new sdk.ProofMarketClient({ baseUrl: coordinator.url!, signer }).consentSubmitter('p-1').catch((e: unknown) => e);
  assert.ok(signed instanceof sdk.NotFoundError, String(signed));
  assert.equal(signed.code, 'prover_not_found');

  const closed = await closedPort(); // not port 9: fetch refuses the ports browsers block ("bad port")
  const unreachable = await new sdk.ProofMarketClient({ baseUrl: `http://127.0.0.1:${closed}`, fetch: globalThis.fetch }).health().catch((e: unknown) => e);
  assert.ok(unreachable instanceof sdk.ConnectionError);
  assert.match(unreachable.message, /^cannot reach the coordinator at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

test('portable crypto is byte for byte the node:crypto and libsecp256k1 one', async () => {
  for (let i = 0; i < 50; i++) {
    const bytes = randomBytes(i * 7);
    const text = bytes.toString('latin1') + 'zkp ✓';
    assert.equal(bodySha256(bytes), createHash('sha256').update(bytes).digest('hex'));
    assert.equal(bodySha256(text), createHash('sha256').update(text, 'utf8').digest('hex'));
    assert.equal(base64url(bytes), bytes.toString('base64url'));
    const bid = { request_id: `r-${i}`, prover_id: 'p"1', fee: BigInt(i) * 10n ** 18n, nonce: bytes.toString('hex') };
    const preimage = JSON.stringify(['proofmarket/sealed-bid/v1', bid.request_id, bid.prover_id, bid.fee.toString(10), bid.nonce]);
    assert.equal(sealedCommitment(bid), createHash('sha256').update(preimage, 'utf8').digest('hex'));
  }
  assert.equal(bodySha256(undefined), createHash('sha256').digest('hex'));
  assert.match(newNonce(), /^[A-Za-z0-9_-]{22}$/);
  assert.match(newId(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  // On Node, from the sources, the native engines load (else the comparison below would be noble against noble).
  assert.ok(await nodeOnly('./node-secp256k1.ts'), 'libsecp256k1 loads on Node');
  assert.equal(await defaultExchange(), (await import('../src/sdk/node-http.ts')).undiciExchange, "undici's Agent is Node's default");
  const key = Uint8Array.from(Buffer.from(KEY.slice(2), 'hex'));
  for (const message of ['', 'proofmarket-request-v2\nPOST\n127.0.0.1:7777\n/v1/requests\ne3b0\n1\nn', 'é'.repeat(300)]) {
    const native = await personalSign(message, key);
    assert.equal(await personalSign(message, key, 'portable'), native, 'libsecp256k1 (Node) and noble sign the same bytes');
    assert.match(native, /^0x[0-9a-f]{128}(1b|1c)$/);
  }
});
