import type { StoredArtifact } from '../../api/artifacts.ts';
import { MarketError, invalid } from '../../domain/errors.ts';
import type { Caller, MarketDeps } from './deps.ts';

export interface PutArtifactParameters {
  /** The request body, as it streams in. */
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** `x-pm-content-sha256`: required when the call is signed (the signature covers it, the body is checked against it). */
  declared_sha256?: string;
  /** `content-length`, when sent: over the cap, refused before a byte is read. */
  content_length?: number;
}
export type PutArtifactErrorCode = 'artifact_too_large' | 'content_sha256_missing' | 'content_sha256_mismatch' | 'artifact_store_unavailable' | 'signature_missing';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** `POST /v1/artifacts`: stores the body as it streams in, under its CIDv1; nothing is stored if it is refused. */
export async function putArtifact(deps: Pick<MarketDeps, 'artifacts'>, input: PutArtifactParameters, caller: Caller): Promise<StoredArtifact> {
  const declared = input.declared_sha256?.toLowerCase();
  if (declared !== undefined && !SHA256_HEX.test(declared)) throw invalid('content_sha256_missing', 'x-pm-content-sha256 must be 64 hex digits: the sha256 of the body');
  if (caller.signer !== undefined && declared === undefined) throw invalid('content_sha256_missing', 'a signed upload declares the sha256 of its body in x-pm-content-sha256');
  const max = deps.artifacts.maxBytes;
  if (input.content_length !== undefined && input.content_length > max) {
    throw new MarketError('too_large', 'artifact_too_large', `the artifact has ${input.content_length} bytes; this coordinator takes at most ${max}`);
  }
  const { cid, size } = await deps.artifacts.put(input.body, { sha256: declared });
  return { cid, size };
}
