import type { FastifyInstance } from 'fastify';
import * as uc from '../usecases/index.ts';
import type { Market } from '../market.ts';
import { fail } from '../../domain/errors.ts';
import { byteRange } from '../../artifacts/range.ts';
import { CONTENT_SHA256_HEADER, CidParams, errorResponses as errors, StoredArtifact } from '../../api/index.ts';

/** Route config: the body is streamed to the handler, and a signature covers its declared sha256 (coordinator/auth.ts). */
export const STREAMED_BODY = { streamedBody: true };

export function artifactRoutes(app: FastifyInstance, market: Market): void {
  app.get<{ Params: CidParams }>('/v1/artifacts/:cid', {
    schema: {
      summary: 'Download an artifact by its CID (Range supported; immutable)',
      description: 'The bytes whose CIDv1 (as `ipfs add --cid-version 1` computes it) is :cid. The stored copy is hashed whole before a byte is sent: a damaged one is refused with 503 artifact_corrupt. One `Range: bytes=` range gives 206; ETag is the CID.',
      tags: ['artifacts'],
      params: CidParams,
    },
  }, async (req, reply) => {
    const blob = await uc.getArtifact(market, req.params.cid);
    const range = byteRange(req.headers.range, blob.size);
    if (range.kind === 'unsatisfiable') {
      await blob.close();
      reply.header('content-range', `bytes */${blob.size}`);
      throw fail('range_not_satisfiable', `the artifact has ${blob.size} bytes; ${req.headers.range} is outside it`);
    }
    reply.header('etag', `"${blob.cid}"`);
    reply.header('cache-control', 'public, max-age=31536000, immutable');
    reply.header('accept-ranges', 'bytes');
    reply.header('x-content-type-options', 'nosniff');
    if ((req.headers['if-none-match'] ?? '').split(',').some((t) => t.trim() === `"${blob.cid}"`)) {
      await blob.close();
      return reply.code(304).send();
    }
    reply.header('content-type', 'application/octet-stream');
    if (range.kind === 'whole') {
      reply.header('content-length', blob.size);
      return reply.send(blob.stream());
    }
    reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${blob.size}`).header('content-length', range.end - range.start + 1);
    return reply.send(blob.stream(range));
  });

  // Uploads are raw bytes (application/octet-stream), streamed to the store as they arrive: in a scope of their
  // own, so every other route still answers 415 to anything but JSON.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
    scope.post('/v1/artifacts', {
      config: STREAMED_BODY,
      schema: {
        summary: 'Upload an artifact (raw bytes, streamed); answers its CID',
        description: `content-type: application/octet-stream. Signed like every call, with the body's sha256 declared in ${CONTENT_SHA256_HEADER} (the signature's body hash is that value; the bytes received must hash to it). Over the coordinator's size cap: 413 artifact_too_large, and nothing is stored. Idempotent: the same bytes give the same CID.`,
        tags: ['artifacts'],
        response: { 201: StoredArtifact, ...errors },
      },
    }, async (req, reply) => {
      const declared = req.headers[CONTENT_SHA256_HEADER];
      const length = req.headers['content-length'];
      const stored = await uc.putArtifact(market, {
        body: (req.body as AsyncIterable<Uint8Array> | undefined) ?? [],
        declared_sha256: typeof declared === 'string' ? declared : undefined,
        content_length: length === undefined ? undefined : Number(length),
      }, { signer: req.signer });
      return reply.code(201).header('location', `/v1/artifacts/${stored.cid}`).send(stored);
    });
  });
}
