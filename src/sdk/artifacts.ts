// Artifacts over HTTP: raw bytes both ways, streamed, through the platform's `fetch` (the JSON transport in
// http.ts carries strings only). Portable: no node: import, so it bundles for a browser.
import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex } from '@noble/hashes/utils';
import type { StoredArtifact } from '../api/artifacts.ts';
import { CONTENT_SHA256_HEADER } from '../api/artifacts.ts';
import { ConnectionError, errorFromResponse } from './errors.ts';
import { HttpResponse } from './http.ts';
import type { Signer } from './signer.ts';

/** A streamed upload: the bytes, and their sha256 (hex), which the signature covers and the coordinator checks. */
export interface ArtifactUpload {
  stream: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;
  sha256: string;
}

export interface ArtifactTransport {
  baseUrl: string;
  signer?: Signer;
  timeoutMs: number;
}

/** POST /v1/artifacts: bytes in memory, or a stream with its declared sha256 (e.g. a file hashed first). */
export async function uploadArtifact(t: ArtifactTransport, path: string, data: Uint8Array | ArtifactUpload): Promise<StoredArtifact> {
  const digest = data instanceof Uint8Array ? bytesToHex(sha256(data)) : data.sha256.toLowerCase();
  const url = new URL(path, t.baseUrl);
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream', [CONTENT_SHA256_HEADER]: digest };
  if (t.signer) Object.assign(headers, await t.signer.sign({ method: 'POST', host: url.host, path: url.pathname, bodySha256: digest }));
  const body = (data instanceof Uint8Array ? data : toReadableStream(data.stream)) as BodyInit;
  const res = await send(t, url, { method: 'POST', headers, body, duplex: 'half' });
  return (await answer(res).then((r) => r.json())) as StoredArtifact;
}

/** GET /v1/artifacts/:cid, whole, checked here: bytes that do not hash to `cid` are refused (whoever served them). */
export async function downloadArtifact(t: ArtifactTransport, path: string, cid: string): Promise<Uint8Array> {
  const res = await answer(await send(t, new URL(path, t.baseUrl), { method: 'GET' }));
  const bytes = res.body;
  // loaded on first use: the importer is most of the SDK's weight, and most clients never download an artifact
  const { cidOfBytes } = await import('../artifacts/cid.ts');
  const actual = await cidOfBytes(bytes);
  if (actual !== cid) throw new Error(`the coordinator served bytes for ${cid} that hash to ${actual}: refused`);
  return bytes;
}

/** GET /v1/artifacts/:cid as a stream (large artifacts); the caller checks the CID as it reads (the CLI does). */
export async function streamArtifact(t: ArtifactTransport, path: string): Promise<{ size: number; body: ReadableStream<Uint8Array> }> {
  const res = await send(t, new URL(path, t.baseUrl), { method: 'GET' }, false);
  if (!res.ok || !res.body) throw await errorFromResponse(await whole(res));
  return { size: Number(res.headers.get('content-length') ?? 0), body: res.body };
}

async function send(t: ArtifactTransport, url: URL, init: RequestInit & { duplex?: 'half' }, timed = true): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: timed ? AbortSignal.timeout(t.timeoutMs) : undefined });
  } catch (err) {
    throw new ConnectionError(t.baseUrl, (err as { cause?: unknown }).cause ?? err);
  }
}

async function whole(res: Response): Promise<HttpResponse> {
  return new HttpResponse(res.status, res.statusText, res.headers, new Uint8Array(await res.arrayBuffer()));
}

async function answer(res: Response): Promise<HttpResponse> {
  const r = await whole(res);
  if (!r.ok) throw await errorFromResponse(r);
  return r;
}

function toReadableStream(source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  if (source instanceof ReadableStream) return source;
  const it = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await it.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await it.return?.();
    },
  });
}
