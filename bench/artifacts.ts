// npm run bench -- artifacts [--json]   (issue #16 §3, §5)
// The artifact store's throughput, put and get, on the local-directory driver and on S3 (s3rver, in process, as
// in the tests), for one streamed artifact of ARTIFACT_BENCH_MB MiB (default 64). A put streams the bytes to the
// driver while computing their CIDv1; a get hashes the whole blob before serving it, then streams it. Baseline,
// measured in the same run: the same bytes written to and read from a plain file with no hashing (what the
// disk costs), and their sha256 alone (what hashing costs).
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalDriver } from '../src/artifacts/drivers/local.ts';
import { S3Driver } from '../src/artifacts/drivers/s3.ts';
import { ArtifactStore } from '../src/artifacts/store.ts';
import { S3RVER_CREDENTIALS, startS3 } from '../test/support/s3.ts';
import { sized, type Figures } from './support.ts';

const MB = sized('ARTIFACT_BENCH_MB', 64);
const SIZE = MB << 20;
const PIECE = 1 << 20;
const block = new Uint8Array(PIECE).map((_, i) => (i * 131 + 7) % 256);

async function* bytes(): AsyncGenerator<Uint8Array> {
  for (let sent = 0; sent < SIZE; sent += PIECE) yield block;
}

const mbps = (ms: number) => MB / (ms / 1000);

async function timed(fn: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream);
}

/** The disk alone: the same bytes to a file and back, and sha256 alone. */
async function baseline(dir: string): Promise<{ write: number; read: number; sha256: number }> {
  const file = join(dir, 'plain.bin');
  const write = await timed(async () => {
    const out = createWriteStream(file);
    for await (const b of bytes()) if (!out.write(b)) await once(out, 'drain');
    out.end();
    await once(out, 'close');
  });
  const read = await timed(() => drain(createReadStream(file)));
  const sha256 = await timed(async () => {
    const h = createHash('sha256');
    for await (const b of bytes()) h.update(b);
    h.digest();
  });
  return { write: mbps(write), read: mbps(read), sha256: mbps(sha256) };
}

async function storeFigures(store: ArtifactStore): Promise<{ put: number; get: number }> {
  let cid = '';
  const put = await timed(async () => {
    cid = (await store.put(bytes())).cid;
  });
  const get = await timed(async () => drain((await store.get(cid)).stream()));
  return { put: mbps(put), get: mbps(get) };
}

export async function artifactsBench(): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'pm-bench-artifacts-'));
  const s3 = await startS3('pm-bench');
  try {
    const base = await baseline(dir);
    const local = await storeFigures(new ArtifactStore(new LocalDriver(join(dir, 'store'))));
    const s3Store = new ArtifactStore(new S3Driver({ bucket: s3.bucket, endpoint: s3.endpoint, credentials: S3RVER_CREDENTIALS }));
    const remote = await storeFigures(s3Store);
    await s3Store.close();
    const f = (x: number) => `${x.toFixed(0).padStart(5)} MB/s`;
    console.log(`artifact store, one ${MB} MiB artifact (CIDv1 computed on put, verified on get)`);
    console.log(`  baseline: plain file write ${f(base.write)}, read ${f(base.read)}; sha256 alone ${f(base.sha256)}`);
    console.log(`  local    put ${f(local.put)} (${(local.put / base.write).toFixed(2)}× the plain write)   get ${f(local.get)} (${(local.get / base.read).toFixed(2)}× the plain read)`);
    console.log(`  s3rver   put ${f(remote.put)} (${(remote.put / base.write).toFixed(2)}× the plain write)   get ${f(remote.get)} (${(remote.get / base.read).toFixed(2)}× the plain read)`);
    return { mib: MB, baseline_mbps: base, local_mbps: local, s3_mbps: remote };
  } finally {
    await s3.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
