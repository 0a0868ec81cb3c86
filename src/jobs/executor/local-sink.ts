import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { ArtifactSink } from './types.ts';

/**
 * The default artifact sink, as the seed's agent does: `<root>/<jobId>/<path under /out>`. The localUri is the
 * file's absolute path. The content-addressed artifact store replaces it through the same interface.
 */
export class LocalDirectorySink implements ArtifactSink {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The directory a job's outputs land in. */
  jobDir(jobId: string): string {
    if (!/^[A-Za-z0-9_.-]+$/.test(jobId) || jobId.startsWith('.')) throw new Error(`job id ${JSON.stringify(jobId)} cannot name a directory`);
    return join(this.root, jobId);
  }

  async store(jobId: string, path: string, content: Readable): Promise<string> {
    const base = this.jobDir(jobId);
    const file = resolve(base, path.replace(/^\/out\//, ''));
    if (!file.startsWith(base + sep)) throw new Error(`output path ${path} leaves the job's directory`);
    await mkdir(dirname(file), { recursive: true });
    await pipeline(content, createWriteStream(file));
    return file;
  }
}
