import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { BlobDriver, OpenedBlob } from './driver.ts';

export interface S3Options {
  bucket: string;
  /** e.g. `http://127.0.0.1:4569`, an Akave O3 or a Filecoin gateway endpoint; unset = AWS itself. */
  endpoint?: string;
  region?: string;
  /** Key prefix inside the bucket, e.g. `proofmarket/`. */
  prefix?: string;
  /** Unset: the AWS SDK's default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profiles, …). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * Blobs as objects of an S3-compatible bucket, keyed `<prefix><CID>`. Path-style addressing (`endpoint/bucket/key`),
 * which every S3-compatible server takes; checksums only where S3 requires them (the SDK's default streams a
 * trailing CRC in aws-chunked encoding, which some compatible servers refuse; the CID is our checksum anyway).
 */
export class S3Driver implements BlobDriver {
  readonly client: S3Client;
  readonly spoolDir: string;
  readonly description: string;
  readonly #bucket: string;
  readonly #prefix: string;

  constructor(o: S3Options) {
    this.client = new S3Client({
      endpoint: o.endpoint,
      region: o.region ?? 'us-east-1',
      forcePathStyle: true,
      credentials: o.credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    this.#bucket = o.bucket;
    this.#prefix = o.prefix ?? '';
    this.spoolDir = mkdtempSync(join(tmpdir(), 'pm-s3-spool-'));
    this.description = `s3 bucket ${o.bucket}${o.prefix ? `/${o.prefix}` : ''}${o.endpoint ? ` at ${o.endpoint}` : ''}`;
  }

  keyOf(cid: string): string {
    return this.#prefix + cid;
  }

  async has(cid: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: this.keyOf(cid) }));
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  async putFile(cid: string, path: string, size: number): Promise<void> {
    // Streamed from the spooled file with its length known up front: no part of it is held in memory.
    await this.client.send(new PutObjectCommand({ Bucket: this.#bucket, Key: this.keyOf(cid), Body: createReadStream(path), ContentLength: size, ContentType: 'application/octet-stream' }));
  }

  async open(cid: string): Promise<OpenedBlob | undefined> {
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: this.keyOf(cid) }));
      return { kind: 'stream', stream: res.Body as Readable, size: Number(res.ContentLength ?? 0) };
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async delete(cid: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.keyOf(cid) }));
  }

  async close(): Promise<void> {
    this.client.destroy();
    rmSync(this.spoolDir, { recursive: true, force: true });
  }
}

function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}
