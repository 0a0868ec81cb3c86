import type { VerifiedBlob } from '../../artifacts/store.ts';
import type { MarketDeps } from './deps.ts';

export type GetArtifactErrorCode = 'invalid_cid' | 'cid_not_found' | 'artifact_corrupt' | 'artifact_store_unavailable';

/** `GET /v1/artifacts/:cid`: the blob, hashed whole before it is served; serve it with `stream`, or `close` it. */
export function getArtifact(deps: Pick<MarketDeps, 'artifacts'>, cid: string): Promise<VerifiedBlob> {
  return deps.artifacts.get(cid);
}
