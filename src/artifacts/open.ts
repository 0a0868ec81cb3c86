import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { invalid } from '../domain/errors.ts';
import { LocalDriver } from './drivers/local.ts';
import type { S3Options } from './drivers/s3.ts';
import { ArtifactStore } from './store.ts';

export interface ArtifactStoreConfig {
  /**
   * Where the blobs go: unset = `<dataDir>/artifacts` (the embedded default; a temporary folder for an in-memory
   * database), a directory path, or `s3://BUCKET[/PREFIX]?endpoint=URL&region=R` for S3-compatible storage
   * (Akave O3, Filecoin gateways, MinIO, AWS), credentials from the AWS SDK's usual places
   * (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, …).
   */
  artifacts?: string;
  dataDir: string;
  maxBytes?: number;
  /** Explicit S3 credentials (tests); otherwise the SDK's default chain. */
  s3Credentials?: S3Options['credentials'];
}

/** Parses `s3://bucket/prefix?endpoint=…&region=…`; throws invalid_request on anything else. */
export function parseS3Spec(spec: string): S3Options {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw invalid('invalid_request', `--artifacts ${spec}: not a URL`);
  }
  if (url.protocol !== 's3:' || !url.hostname) throw invalid('invalid_request', `--artifacts ${spec}: expected s3://BUCKET[/PREFIX]?endpoint=URL`);
  const prefix = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
  const endpoint = url.searchParams.get('endpoint') ?? undefined;
  if (endpoint !== undefined && !/^https?:\/\//.test(endpoint)) throw invalid('invalid_request', `--artifacts ${spec}: endpoint must be an http(s) URL`);
  return { bucket: url.hostname, prefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix, endpoint, region: url.searchParams.get('region') ?? undefined };
}

/**
 * The store the coordinator serves and writes audit records to; `close` also removes a temporary folder. The S3
 * driver (and the AWS SDK, a third of a second to load) is imported only when an s3:// store is asked for.
 */
export async function openArtifactStore(c: ArtifactStoreConfig): Promise<ArtifactStore> {
  const opts = { maxBytes: c.maxBytes };
  if (c.artifacts?.startsWith('s3://')) {
    const { S3Driver } = await import('./drivers/s3.ts');
    return new ArtifactStore(new S3Driver({ ...parseS3Spec(c.artifacts), credentials: c.s3Credentials }), opts);
  }
  if (c.artifacts) return new ArtifactStore(new LocalDriver(c.artifacts), opts);
  if (!c.dataDir.startsWith('memory://')) return new ArtifactStore(new LocalDriver(join(c.dataDir, 'artifacts')), opts);
  const temporary = mkdtempSync(join(tmpdir(), 'pm-artifacts-'));
  const store = new ArtifactStore(new LocalDriver(temporary), opts);
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    rmSync(temporary, { recursive: true, force: true });
  };
  return store;
}
