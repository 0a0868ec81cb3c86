// The SDK's transport: one HTTP/1.1 request over `node:http` (or `node:https`) with a keep-alive agent.
//
// Why not the global `fetch`: on Node 20 it costs several times the CPU per call (WHATWG streams, Headers,
// an AbortSignal timer), and the SDK is on hot paths — every poll of a prover node, every result, and the
// load generator of `npm run bench -- lifecycle`, where it shares the cores with the market it measures.
import http from 'node:http';
import https from 'node:https';
import type { Signer } from './signer.ts';

/** What the client needs of a response: the fetch `Response` subset it reads, with the body already read. */
export class HttpResponse {
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: { get(name: string): string | null },
    readonly body: Buffer,
  ) {}

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  async text(): Promise<string> {
    return this.body.toString('utf8');
  }
  async json(): Promise<unknown> {
    return JSON.parse(this.body.toString('utf8'));
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

// Keep-alive like fetch's pool, and like Node's global agent: idle sockets are closed after 5 s, or sooner if
// the server announces a shorter `Keep-Alive: timeout` (Node then closes them 1 s before the server would),
// so a request is not written to a socket the server is closing. Idle sockets do not keep the process alive.
const AGENT_OPTIONS = { keepAlive: true, scheduling: 'lifo', timeout: 5_000 } as const;
const httpAgent = new http.Agent(AGENT_OPTIONS);
const httpsAgent = new https.Agent(AGENT_OPTIONS);

/**
 * Sends one request and reads the whole response. Rejects with a TransportError (whose `cause` is the
 * underlying error, e.g. `connect ECONNREFUSED …`) if no complete response arrives within `timeoutMs`
 * — the body included — or the connection fails; an HTTP error status is a response, not a rejection.
 */
export function httpRequest(
  url: string,
  method: string,
  body: string | undefined,
  timeoutMs: number,
  extraHeaders?: Record<string, string>,
  signer?: Signer,
): Promise<HttpResponse> {
  return send(url, method, body, timeoutMs, extraHeaders, signer, true);
}

/**
 * With a signer, the request carries its `x-pm-*` headers over the path and query as sent and the exact body
 * bytes. Each attempt is signed anew: a retried request with the same nonce would be refused as a replay.
 */
function send(
  url: string,
  method: string,
  body: string | undefined,
  timeoutMs: number,
  extraHeaders: Record<string, string> | undefined,
  signer: Signer | undefined,
  mayRetry: boolean,
): Promise<HttpResponse> {
  const retry = () => send(url, method, body, timeoutMs, extraHeaders, signer, false);
  if (!signer) return exchange(url, method, body, timeoutMs, extraHeaders, mayRetry, retry);
  let path: string;
  let host: string;
  try {
    const target = new URL(url);
    path = target.pathname + target.search; // what node:http puts on the request line
    host = target.host; // and its Host header (the port only when not the default)
  } catch {
    return exchange(url, method, body, timeoutMs, extraHeaders, mayRetry, retry); // rejects: invalid URL
  }
  return signer
    .sign({ method, host, path, body: body ?? '' })
    .then((auth) => exchange(url, method, body, timeoutMs, { ...extraHeaders, ...auth }, mayRetry, retry));
}

function exchange(
  url: string,
  method: string,
  body: string | undefined,
  timeoutMs: number,
  extraHeaders: Record<string, string> | undefined,
  mayRetry: boolean,
  retry: () => Promise<HttpResponse>,
): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch (err) {
      reject(new TransportError(`invalid URL ${url}`, err));
      return;
    }
    const secure = target.protocol === 'https:';
    if (!secure && target.protocol !== 'http:') {
      reject(new TransportError(`unsupported protocol ${target.protocol}`, new Error(`unsupported protocol ${target.protocol}`)));
      return;
    }
    const headers: Record<string, string | number> = {};
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(body);
    }
    if (extraHeaders) for (const [k, v] of Object.entries(extraHeaders)) headers[k.toLowerCase()] = v;
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new TransportError((err as Error)?.message ?? String(err), err));
    };
    const req = (secure ? https : http).request(
      target,
      { method, headers, agent: secure ? httpsAgent : httpAgent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', fail);
        // Closed without 'end' first: the connection broke in the middle of the body.
        res.on('close', () => fail(new Error('the connection closed before the response was complete')));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const h = res.headers;
          const get = (name: string): string | null => {
            const v = h[name.toLowerCase()];
            return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
          };
          resolve(new HttpResponse(res.statusCode ?? 0, res.statusMessage ?? '', { get }, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
        });
      },
    );
    // The whole exchange, body included, within timeoutMs (fetch with AbortSignal.timeout gave the same message).
    const timer = setTimeout(() => {
      const err = new Error('The operation was aborted due to timeout');
      err.name = 'TimeoutError';
      fail(err);
      req.destroy(err);
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed just as we wrote to it: Node's documented race. A GET changes
      // nothing, so it is sent once more on a fresh socket; anything else reports the error.
      if (mayRetry && method === 'GET' && req.reusedSocket && err.code === 'ECONNRESET' && !settled) {
        settled = true;
        clearTimeout(timer);
        retry().then(resolve, reject);
        return;
      }
      fail(err);
    });
    req.end(body);
  });
}
