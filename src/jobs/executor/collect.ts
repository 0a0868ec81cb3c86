import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type Docker from 'dockerode';
import { archiveIsPrefixed, outputPathOf } from './limits.ts';
import type { Artifact, ArtifactSink } from './types.ts';

/**
 * Copies /out out of `container` through the Engine API (an archive of the directory), hashes every regular
 * file with SHA-256 while it streams into the sink, and answers the artifacts sorted by path. Symbolic links,
 * devices and directories are not outputs and are skipped.
 */
export async function collectOutputs(container: Docker.Container, jobId: string, sink: ArtifactSink): Promise<Artifact[]> {
  const archive = (await container.getArchive({ path: '/out' })) as unknown as Readable;
  const extract = tar.extract();
  const artifacts: Artifact[] = [];
  const reading = pipeline(archive, extract);
  let prefixed: boolean | undefined;
  for await (const entry of extract) {
    const { name, type } = entry.header;
    prefixed ??= archiveIsPrefixed({ name, type: type ?? 'file' });
    const path = outputPathOf(name, prefixed);
    if (type !== 'file' || path === undefined) {
      entry.resume();
      continue;
    }
    const hash = createHash('sha256');
    let size = 0;
    const hashing = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    const stored = sink.store(jobId, path, hashing);
    await pipeline(entry, hashing).catch((err) => {
      hashing.destroy(err);
      throw err;
    });
    const localUri = await stored;
    artifacts.push({ path, sha256: hash.digest('hex'), size, localUri });
  }
  await reading;
  return artifacts.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
