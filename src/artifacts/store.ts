import { createWriteStream } from 'node:fs';
import { open, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { createHash, randomUUID } from 'node:crypto';
import { MarketError, invalid, notFound } from '../domain/errors.ts';
import { canonicalCid, CHUNK_SIZE, cidOfStream, cidProblem, rawLeafCid } from './cid.ts';
import type { BlobDriver, OpenedBlob } from './drivers/driver.ts';

export const DEFAULT_ARTIFACT_MAX_BYTES = 1 << 30;

/** What `put` takes: bytes, or any stream of them (a Node Readable, a file's stream, a request body). */
export type ArtifactSource = Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export interface PutOptions {
  /** Refuse (413 artifact_too_large) past this many bytes; default the store's cap. */
  maxBytes?: number;
  /** The sha256 (hex) the bytes must have (a signed upload's declared body hash); otherwise nothing is stored. */
  sha256?: string;
}

export interface Stored {
  cid: string;
  size: number;
  /** Hex sha256 of the bytes (what a signed upload declares). */
  sha256: string;
}

/** A blob whose bytes were read and found to hash to its CID; serve it once with `stream` (which then closes it). */
export interface VerifiedBlob {
  cid: string;
  size: number;
  /** The bytes from `start` to `end` inclusive (the whole blob by default). */
  stream(range?: { start: number; end: number }): Readable;
  /** Releases the blob without streaming it. */
  close(): Promise<void>;
}

/**
 * The content-addressed artifact store: blobs by CIDv1 (./cid.ts), over a driver (a local directory or an S3
 * bucket). Every write computes the CID of the bytes as they stream to the driver (nothing of them is held in
 * memory, and a size cap stops an upload mid-stream, leaving nothing behind); every read hashes the whole
 * blob before a byte is served, so a damaged blob is refused (503 artifact_corrupt), never served.
 */
export class ArtifactStore {
  readonly maxBytes: number;

  constructor(
    readonly driver: BlobDriver,
    opts: { maxBytes?: number } = {},
  ) {
    this.maxBytes = opts.maxBytes ?? DEFAULT_ARTIFACT_MAX_BYTES;
  }

  /** Stores bytes and answers their CID: the one `ipfs add --cid-version 1` gives. Idempotent. */
  async put(source: ArtifactSource, opts: PutOptions = {}): Promise<Stored> {
    const max = opts.maxBytes ?? this.maxBytes;
    if (source instanceof Uint8Array && source.byteLength <= Math.min(CHUNK_SIZE, max)) return this.#putSmall(source, opts);
    const spool = join(this.driver.spoolDir, `up-${randomUUID()}`);
    const file = createWriteStream(spool, { highWaterMark: 4 << 20 });
    // A write that fails (disk full), or is dropped when a refused upload destroys the file, is reported here once.
    let writeError: Error | undefined;
    file.on('error', (err) => (writeError ??= err));
    const hash = createHash('sha256');
    try {
      const input = source instanceof Uint8Array ? [source] : source;
      let size = 0;
      async function* teed() {
        for await (const chunk of input) {
          size += chunk.byteLength;
          if (size > max) throw new MarketError('too_large', 'artifact_too_large', `the artifact is over the ${max}-byte cap; nothing was stored`);
          hash.update(chunk);
          if (!file.write(chunk)) await once(file, 'drain');
          yield chunk;
        }
      }
      const { cid } = await cidOfStream(teed());
      file.end();
      await once(file, 'close');
      if (writeError) throw writeError;
      const digest = hash.digest('hex');
      if (opts.sha256 !== undefined && opts.sha256.toLowerCase() !== digest) {
        throw invalid('content_sha256_mismatch', `the bytes received hash to sha256 ${digest}, not ${opts.sha256} as declared (and signed)`);
      }
      await unavailableOnFailure(() => this.driver.putFile(cid, spool, size));
      return { cid, size, sha256: digest };
    } finally {
      file.destroy();
      await rm(spool, { force: true });
    }
  }

  /** Bytes in hand that fit in one chunk: hashed once, written in one call, no streaming importer. */
  async #putSmall(bytes: Uint8Array, opts: PutOptions): Promise<Stored> {
    const sha = createHash('sha256').update(bytes).digest();
    const digest = sha.toString('hex');
    if (opts.sha256 !== undefined && opts.sha256.toLowerCase() !== digest) {
      throw invalid('content_sha256_mismatch', `the bytes received hash to sha256 ${digest}, not ${opts.sha256} as declared (and signed)`);
    }
    const cid = rawLeafCid(bytes.byteLength, sha);
    const spool = join(this.driver.spoolDir, `up-${randomUUID()}`);
    try {
      await writeFile(spool, bytes);
      await unavailableOnFailure(() => this.driver.putFile(cid, spool, bytes.byteLength));
      return { cid, size: bytes.byteLength, sha256: digest };
    } finally {
      await rm(spool, { force: true });
    }
  }

  async has(cid: string): Promise<boolean> {
    return unavailableOnFailure(() => this.driver.has(parse(cid)));
  }

  /** The blob, checked: 404 cid_not_found, 503 artifact_corrupt. */
  async get(cidText: string): Promise<VerifiedBlob> {
    const cid = parse(cidText);
    const opened = await unavailableOnFailure(() => this.driver.open(cid));
    if (!opened) throw notFound('cid_not_found', `no artifact ${cid} is stored here`);
    return opened.kind === 'file' ? this.#checkFile(cid, opened) : this.#checkStream(cid, opened);
  }

  /** The whole blob in memory (small artifacts: records, proofs, keys), checked; refused past `maxBytes`. */
  async getBytes(cid: string, maxBytes = 64 << 20): Promise<Uint8Array> {
    const blob = await this.get(cid);
    if (blob.size > maxBytes) {
      await blob.close();
      throw new MarketError('too_large', 'artifact_too_large', `artifact ${cid} has ${blob.size} bytes, more than the ${maxBytes} read here`);
    }
    const parts: Buffer[] = [];
    for await (const part of blob.stream()) parts.push(part as Buffer);
    return new Uint8Array(Buffer.concat(parts));
  }

  close(): Promise<void> {
    return this.driver.close();
  }

  /** A local file is hashed through its handle, then served from the same handle. */
  async #checkFile(cid: string, blob: Extract<OpenedBlob, { kind: 'file' }>): Promise<VerifiedBlob> {
    const { handle, size } = blob;
    try {
      await refuseUnlessHashes(cid, handle.createReadStream({ start: 0, autoClose: false, highWaterMark: 1 << 20 }));
    } catch (err) {
      await handle.close();
      throw err;
    }
    return this.#checkedHandle(cid, handle, size);
  }

  /** A remote blob is spooled to a local file while it is hashed, then served from there (never streamed unchecked). */
  async #checkStream(cid: string, blob: Extract<OpenedBlob, { kind: 'stream' }>): Promise<VerifiedBlob> {
    const spool = join(this.driver.spoolDir, `down-${randomUUID()}`);
    const file = createWriteStream(spool, { highWaterMark: 4 << 20 });
    let writeError: Error | undefined;
    file.on('error', (err) => (writeError ??= err));
    try {
      async function* teed() {
        for await (const chunk of blob.stream as AsyncIterable<Uint8Array>) {
          if (!file.write(chunk)) await once(file, 'drain');
          yield chunk;
        }
      }
      await refuseUnlessHashes(cid, teed());
      file.end();
      await once(file, 'close');
      if (writeError) throw new MarketError('unavailable', 'artifact_store_unavailable', `cannot spool ${cid} for serving: ${writeError.message}`);
    } catch (err) {
      file.destroy();
      blob.stream.destroy();
      await rm(spool, { force: true });
      throw err;
    }
    const local = await open(spool, 'r');
    await rm(spool, { force: true }); // unlinked now; the open handle keeps its bytes until it is closed
    return this.#checkedHandle(cid, local, blob.size);
  }

  #checkedHandle(cid: string, handle: FileHandle, size: number): VerifiedBlob {
    return {
      cid,
      size,
      stream: (range) => handle.createReadStream({ start: range?.start ?? 0, end: range?.end ?? Math.max(0, size - 1), autoClose: true, highWaterMark: 1 << 20 }),
      close: () => handle.close(),
    };
  }
}

function parse(cid: string): string {
  const problem = cidProblem(cid);
  if (problem) throw invalid('invalid_cid', problem);
  return canonicalCid(cid);
}

async function refuseUnlessHashes(cid: string, bytes: AsyncIterable<Uint8Array>): Promise<void> {
  const actual = await cidOfStream(bytes);
  if (actual.cid !== cid) {
    throw new MarketError('unavailable', 'artifact_corrupt', `the stored copy of ${cid} hashes to ${actual.cid} (${actual.size} bytes): it is damaged and refused`);
  }
}

/** A driver that throws (disk full, bucket unreachable) is a 503, not a bug; our own refusals pass through. */
async function unavailableOnFailure<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof MarketError) throw err;
    throw new MarketError('unavailable', 'artifact_store_unavailable', `the artifact store failed: ${(err as Error).message}`.slice(0, 300));
  }
}
