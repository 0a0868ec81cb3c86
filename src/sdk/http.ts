// The SDK's transport: one HTTP request and its whole response, through an `Exchange`.
//
// Which exchange: the `fetch` a client is given (ClientOptions.fetch); else, on Node, undici's keep-alive Agent
// (node-http.ts, loaded so that no bundle follows it: see platform.ts); else the platform's global `fetch`
// (browsers, Deno, Bun, workers). Timeouts, JSON, errors and signing are here, the same for all of them.
import type { Signer } from './signer.ts';
import { nodeOnly } from './platform.ts';

/** What the client needs of a response: the fetch `Response` subset it reads, with the body already read. */
export class HttpResponse {
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: { get(name: string): string | null },
    readonly body: Uint8Array,
  ) {}

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  async text(): Promise<string> {
    return new TextDecoder().decode(this.body);
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const b = this.body;
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }
}

/** The request never got a complete answer: refused, reset, timed out, or the URL is unusable. */
export class TransportError extends Error {
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** One request as an exchange sends it: headers lower case, the body as a string (JSON), aborted by `signal`. */
export interface ExchangeRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal: AbortSignal;
}

/** Sends one request and reads its whole body; rejects if the connection fails or `signal` aborts. */
export type Exchange = (req: ExchangeRequest) => Promise<HttpResponse>;

/** The part of `fetch` the SDK uses: the global one, undici's, or any other with this shape. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
) => Promise<{ status: number; statusText: string; headers: { get(name: string): string | null }; arrayBuffer(): Promise<ArrayBuffer> }>;

/** An exchange over a `fetch`. */
export function fetchExchange(fetchFn: FetchLike): Exchange {
  return async (r) => {
    const res = await fetchFn(r.url, { method: r.method, headers: r.headers, body: r.body, signal: r.signal });
    const body = new Uint8Array(await res.arrayBuffer()); // read under the same signal: the timeout covers the body
    return new HttpResponse(res.status, res.statusText, res.headers, body);
  };
}

let platformDefault: Promise<Exchange> | undefined;

/** undici's Agent on Node, the global fetch elsewhere; chosen once, on the first request. */
export function defaultExchange(): Promise<Exchange> {
  platformDefault ??= nodeOnly<typeof import('./node-http.ts')>('./node-http.ts').then(
    (node) => node?.undiciExchange ?? fetchExchange((url, init) => globalThis.fetch(url, init)),
  );
  return platformDefault;
}

/**
 * Sends one request and reads the whole response. Rejects with a TransportError (whose `cause` is the
 * underlying error, e.g. `connect ECONNREFUSED …`) if no complete response arrives within `timeoutMs`
 * — the body included — or the connection fails; an HTTP error status is a response, not a rejection.
 *
 * With a signer, the request carries its `x-pm-*` headers over the path and query as sent and the exact body
 * bytes. A GET whose connection is reset (a kept-alive socket the server closed just as we wrote to it) is sent
 * once more, signed anew: a retried request with the same nonce would be refused as a replay.
 */
export async function httpRequest(
  url: string,
  method: string,
  body: string | undefined,
  timeoutMs: number,
  extraHeaders?: Record<string, string>,
  signer?: Signer,
  exchange?: Exchange,
  signal?: AbortSignal,
): Promise<HttpResponse> {
  let target: URL;
  try {
    target = new URL(url);
  } catch (err) {
    throw new TransportError(`invalid URL ${url}`, err);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new TransportError(`unsupported protocol ${target.protocol}`, new Error(`unsupported protocol ${target.protocol}`));
  }
  const send = exchange ?? (await defaultExchange());
  try {
    return await attempt(send, target, method, body, timeoutMs, extraHeaders, signer, signal);
  } catch (err) {
    if (method !== 'GET' || !isReset(err) || signal?.aborted) throw err;
    return attempt(send, target, method, body, timeoutMs, extraHeaders, signer, signal);
  }
}

async function attempt(
  send: Exchange,
  target: URL,
  method: string,
  body: string | undefined,
  timeoutMs: number,
  extraHeaders: Record<string, string> | undefined,
  signer: Signer | undefined,
  signal: AbortSignal | undefined,
): Promise<HttpResponse> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (extraHeaders) for (const [k, v] of Object.entries(extraHeaders)) headers[k.toLowerCase()] = v;
  if (signer) {
    // The Host header fetch and undici send (the port only when not the default), and the request line.
    Object.assign(headers, await signer.sign({ method, host: target.host, path: target.pathname + target.search, body: body ?? '' }));
  }
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(timeoutError()), timeoutMs);
  // The caller's own signal (a long-poll given up on) aborts the call too.
  const cancel = () => abort.abort(signal?.reason);
  signal?.addEventListener('abort', cancel, { once: true });
  if (signal?.aborted) cancel();
  try {
    return await send({ url: target.href, method, headers, body, signal: abort.signal });
  } catch (err) {
    const cause = abort.signal.aborted ? abort.signal.reason : unwrap(err);
    throw new TransportError((cause as Error)?.message ?? String(cause), cause);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', cancel);
  }
}

/** What AbortSignal.timeout rejects with; the message callers have always seen. */
function timeoutError(): Error {
  const err = new Error('The operation was aborted due to timeout');
  err.name = 'TimeoutError';
  return err;
}

/** fetch rejects with `TypeError: fetch failed` whose `cause` says what happened (`connect ECONNREFUSED …`). */
function unwrap(err: unknown): unknown {
  return err instanceof TypeError && err.cause !== undefined ? err.cause : err;
}

function isReset(err: unknown): boolean {
  const code = ((err as TransportError).cause as { code?: string } | undefined)?.code;
  return err instanceof TransportError && (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET');
}
