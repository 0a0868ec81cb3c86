// The one test suite of the artifact store, run on every driver (local.test.ts, s3.test.ts), as the database
// suite runs on PGlite and PostgreSQL: same expectations, whatever holds the bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { MarketError } from '../domain/errors.ts';
import { cidOfBytes } from './cid.ts';
import type { ArtifactStore } from './store.ts';

export interface StoreUnderTest {
  store: ArtifactStore;
  /** Overwrites the stored copy of `cid` with other bytes, behind the store's back. */
  corrupt(cid: string, bytes: Uint8Array): Promise<void>;
  /** How many blobs the backing storage holds. */
  count(): Promise<number>;
  close(): Promise<void>;
}

const code = (c: string) => (err: unknown) => err instanceof MarketError && err.code === c;
const bytesOf = (text: string) => new TextEncoder().encode(text);

/** `size` bytes of a repeating pattern, in 1 MiB pieces, made as they are read (nothing held in memory). */
async function* generated(size: number, piece = 1 << 20): AsyncGenerator<Uint8Array> {
  const block = new Uint8Array(piece).map((_, i) => (i * 131) % 256);
  for (let sent = 0; sent < size; sent += piece) yield block.subarray(0, Math.min(piece, size - sent));
}

async function readAll(store: ArtifactStore, cid: string, range?: { start: number; end: number }): Promise<Buffer> {
  const blob = await store.get(cid);
  const parts: Buffer[] = [];
  for await (const p of blob.stream(range)) parts.push(p as Buffer);
  return Buffer.concat(parts);
}

export function artifactStoreSuite(name: string, open: () => Promise<StoreUnderTest | undefined>): void {
  const withStore = (title: string, fn: (s: StoreUnderTest) => Promise<void>) =>
    test(`${name}: ${title}`, async (t) => {
      const s = await open();
      if (!s) return t.skip('the store is not available');
      try {
        await fn(s);
      } finally {
        await s.close();
      }
    });

  withStore('put answers the CID `ipfs add --cid-version 1` gives, and get gives the bytes back', async ({ store }) => {
    const hello = await store.put(bytesOf('hello world\n'));
    assert.deepEqual(hello, { cid: 'bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4', size: 12, sha256: createHash('sha256').update('hello world\n').digest('hex') });
    assert.equal((await store.put(new Uint8Array())).cid, 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku');
    assert.equal((await readAll(store, hello.cid)).toString(), 'hello world\n');
    assert.equal((await readAll(store, 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku')).length, 0);
    assert.deepEqual(await store.put(bytesOf('hello world\n')), hello, 'idempotent');
    assert.equal(await store.has(hello.cid), true);
  });

  withStore('a streamed file of several chunks, and byte ranges of it', async ({ store }) => {
    const size = 3 * 262_144 + 17;
    const parts: Uint8Array[] = [];
    for await (const p of generated(size, 100_000)) parts.push(Uint8Array.from(p));
    const whole = Buffer.concat(parts);
    const put = await store.put(generated(size, 100_000));
    assert.equal(put.cid, await cidOfBytes(whole));
    assert.match(put.cid, /^bafybei/);
    assert.equal(put.size, size);
    assert.ok((await readAll(store, put.cid)).equals(whole));
    assert.ok((await readAll(store, put.cid, { start: 262_140, end: 262_150 })).equals(whole.subarray(262_140, 262_151)));
    assert.ok((await readAll(store, put.cid, { start: size - 1, end: size - 1 })).equals(whole.subarray(size - 1)));
  });

  withStore('an unknown CID is cid_not_found; a malformed one is invalid_cid', async ({ store }) => {
    await assert.rejects(store.get(await cidOfBytes(bytesOf('never stored'))), code('cid_not_found'));
    await assert.rejects(store.get('Qm-not-a-cid'), code('invalid_cid'));
    await assert.rejects(store.get('QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH'), code('invalid_cid'));
  });

  withStore('a damaged blob is refused on every read, never served', async ({ store, corrupt }) => {
    const { cid } = await store.put(bytesOf('the original bytes'));
    await corrupt(cid, bytesOf('the Original bytes'));
    await assert.rejects(store.get(cid), code('artifact_corrupt'));
    await assert.rejects(store.getBytes(cid), code('artifact_corrupt'));
    await corrupt(cid, bytesOf('the original bytes, and more'));
    await assert.rejects(store.get(cid), code('artifact_corrupt'));
    // the same bytes put again repair it
    await store.put(bytesOf('the original bytes'));
    assert.equal(Buffer.from(await store.getBytes(cid)).toString(), 'the original bytes');
  });

  withStore('over the size cap, an upload stops mid-stream and leaves nothing behind', async ({ store, count }) => {
    const before = await count();
    let produced = 0;
    async function* endless() {
      for await (const chunk of generated(64 << 20)) {
        produced += chunk.length;
        yield chunk;
      }
    }
    await assert.rejects(store.put(endless(), { maxBytes: 3 << 20 }), code('artifact_too_large'));
    assert.ok(produced <= 4 << 20, `stopped reading at ${produced} bytes`);
    assert.equal(await count(), before);
    assert.deepEqual(readdirSync(store.driver.spoolDir), []);
  });

  withStore('a body that is not the one declared (signed) is refused, and nothing is stored', async ({ store, count }) => {
    const before = await count();
    const declared = createHash('sha256').update('what was signed').digest('hex');
    await assert.rejects(store.put(bytesOf('what was sent'), { sha256: declared }), code('content_sha256_mismatch'));
    assert.equal(await count(), before);
    assert.equal((await store.put(bytesOf('what was signed'), { sha256: declared })).sha256, declared);
  });

  withStore('a 160 MB upload streams through: memory stays flat', async ({ store }) => {
    const size = 160 << 20;
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    try {
      const put = await store.put(generated(size));
      assert.equal(put.size, size);
      const blob = await store.get(put.cid);
      let read = 0;
      for await (const p of blob.stream()) read += (p as Buffer).length;
      assert.equal(read, size);
    } finally {
      clearInterval(sampler);
    }
    const growth = peak - before;
    assert.ok(growth < 80 << 20, `RSS grew by ${(growth / 2 ** 20).toFixed(0)} MiB for a ${size >> 20} MiB artifact`);
  });
}
