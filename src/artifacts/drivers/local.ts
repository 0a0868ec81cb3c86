import { mkdirSync } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BlobDriver, OpenedBlob } from './driver.ts';

/**
 * Blobs as files: `<root>/blobs/<last two characters of the CID>/<CID>`, written by rename from `<root>/tmp`, so a
 * blob is either whole or absent (the same file system: the rename is atomic).
 */
export class LocalDriver implements BlobDriver {
  readonly root: string;
  readonly spoolDir: string;
  readonly description: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.spoolDir = join(this.root, 'tmp');
    this.description = `local ${this.root}`;
    mkdirSync(this.spoolDir, { recursive: true });
    mkdirSync(join(this.root, 'blobs'), { recursive: true });
  }

  /** The file of a CID (tests corrupt it through this). */
  pathOf(cid: string): string {
    return join(this.root, 'blobs', cid.slice(-2), cid);
  }

  async has(cid: string): Promise<boolean> {
    return stat(this.pathOf(cid)).then(() => true, () => false);
  }

  async putFile(cid: string, path: string): Promise<void> {
    const target = this.pathOf(cid);
    mkdirSync(join(target, '..'), { recursive: true });
    // Always replace: the bytes are the same by construction, and a damaged copy gets repaired.
    await rename(path, target);
  }

  async open(cid: string): Promise<OpenedBlob | undefined> {
    try {
      const handle = await open(this.pathOf(cid), 'r');
      return { kind: 'file', handle, size: (await handle.stat()).size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async delete(cid: string): Promise<void> {
    await rm(this.pathOf(cid), { force: true });
  }

  async close(): Promise<void> {}
}
