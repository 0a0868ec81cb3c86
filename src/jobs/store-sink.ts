import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { ProofMarketClient } from '../sdk/client.ts';
import { LocalDirectorySink } from './executor/local-sink.ts';
import type { ArtifactSink } from './executor/types.ts';

/**
 * Outputs into the coordinator's content-addressed artifact store (POST /v1/artifacts), so the requester can
 * fetch them by CID (`proofmarket artifact get <cid>`). Each file is written to the provider's outputs
 * directory first (as the seed's agent does: it stays there), hashed, then streamed up with its sha256 (which
 * the signature covers). The localUri reported is the artifact's URL on the coordinator.
 */
export class ArtifactStoreSink implements ArtifactSink {
  readonly local: LocalDirectorySink;

  constructor(private readonly client: ProofMarketClient, outputsDir: string) {
    this.local = new LocalDirectorySink(outputsDir);
  }

  async store(jobId: string, path: string, content: Readable): Promise<string> {
    const file = await this.local.store(jobId, path, content);
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    const { cid } = await this.client.putArtifact({ stream: createReadStream(file), sha256: hash.digest('hex') });
    return `${this.client.baseUrl.replace(/\/+$/, '')}/v1/artifacts/${cid}`;
  }
}
