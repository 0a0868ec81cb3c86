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
  reading.catch(() => {}); // a broken archive also ends the iteration below, which throws it
  try {
    let prefixed: boolean | undefined;
    for await (const entry of extract) {
      const { name, type } = entry.header;
      prefixed ??= archiveIsPrefixed({ name, type: type ?? 'file' });
      const path = outputPathOf(name, prefixed);
      if (type !== 'file' || path === undefined) {
        entry.resume();
        continue;
      }
      artifacts.push(await storeHashed(entry, jobId, path, sink));
    }
    await reading;
  } catch (err) {
    archive.destroy();
    throw err;
  }
  return artifacts.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Streams one file into the sink, hashing and counting it on the way; a sink that fails fails it at once. */
async function storeHashed(entry: AsyncIterable<unknown>, jobId: string, path: string, sink: ArtifactSink): Promise<Artifact> {
  const hash = createHash('sha256');
  let size = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  const copying = pipeline(entry, hashing);
  copying.catch(() => {}); // when the sink fails first, this one is abandoned with the archive
  const [localUri] = await Promise.all([sink.store(jobId, path, hashing), copying]);
  return { path, sha256: hash.digest('hex'), size, localUri };
}
