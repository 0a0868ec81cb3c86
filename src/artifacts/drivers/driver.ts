import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';

/**
 * Where blobs live, by CID. A driver moves bytes and knows nothing of hashing: the store (../store.ts) computes
 * every CID it writes and checks every blob it reads.
 */
export interface BlobDriver {
  /** e.g. `local /var/lib/pm/artifacts` or `s3 bucket at http://…` (for logs and `serve`'s banner). */
  readonly description: string;
  /** A folder on the local disk for uploads in progress (for the local driver, on the blobs' file system). */
  readonly spoolDir: string;
  has(cid: string): Promise<boolean>;
  /** Stores the (already hashed) file at `path` under `cid`; the file may be moved away. */
  putFile(cid: string, path: string, size: number): Promise<void>;
  /** The stored blob, or undefined when there is none. */
  open(cid: string): Promise<OpenedBlob | undefined>;
  /** Removes a blob (tests, and `artifact rm` one day); no error when there is none. */
  delete(cid: string): Promise<void>;
  close(): Promise<void>;
}

/** A blob as a driver opens it: a local file (read twice: once to check it, once to serve it) or a stream. */
export type OpenedBlob = { kind: 'file'; handle: FileHandle; size: number } | { kind: 'stream'; stream: Readable; size: number };
