import { request as httpRequest, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ERRORS, type ErrorCode } from '../domain/error-codes.ts';

/**
 * A tiny round-robin HTTP proxy in front of coordinator replicas (`proofmarket cluster`, the chaos test and
 * benches). Each call goes to the next replica not known to be down. A replica that refuses the connection is
 * marked down for `downMs` and the call goes to the next one: nothing reached the refusing replica, so even a
 * write is safe to send again. A call whose connection breaks after it was sent (the replica died mid-call)
 * is answered 503 `replica_lost` and not resent, since the replica may have applied it: the client retries,
 * as it would against one coordinator (a seed task id or a signed call's nonce makes the retry safe).
 * Responses stream through unbuffered, so the SSE event stream works; a stream whose replica dies ends and
 * the client reconnects with Last-Event-ID, which any replica serves from the outbox.
 */
export interface ProxyOptions {
  /** The replicas' base URLs, e.g. http://127.0.0.1:8081. */
  upstreams: string[];
  host?: string;
  port?: number;
  /** How long a replica that refused a connection is skipped (default 1,000 ms). */
  downMs?: number;
  /** Largest request body buffered for failover (default 16 MiB: the coordinator's own limit is lower). */
  maxBodyBytes?: number;
}

export interface Proxy {
  url: string;
  server: Server;
  /** Calls forwarded per replica, and connection refusals seen. */
  stats(): { forwarded: number[]; refused: number; lost: number };
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

/** Connection errors that mean the replica never took the call. */
function refused(err: NodeJS.ErrnoException): boolean {
  return err.code === 'ECONNREFUSED' || err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH';
}

export async function startProxy(opts: ProxyOptions): Promise<Proxy> {
  if (opts.upstreams.length === 0) throw new Error('the proxy needs at least one replica');
  const upstreams = opts.upstreams.map((u) => new URL(u));
  const downUntil = upstreams.map(() => 0);
  const forwarded = upstreams.map(() => 0);
  let next = 0;
  let refusals = 0;
  let lost = 0;
  const downMs = opts.downMs ?? 1_000;
  const maxBody = opts.maxBodyBytes ?? 16 * 1024 * 1024;

  /** Replicas in round-robin order from the next one, those marked down last (they may be back). */
  const order = (): number[] => {
    const start = next++ % upstreams.length;
    const all = upstreams.map((_, i) => (start + i) % upstreams.length);
    const now = Date.now();
    return [...all.filter((i) => downUntil[i]! <= now), ...all.filter((i) => downUntil[i]! > now)];
  };

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, tries: number[]): void => {
    const i = tries.shift();
    if (i === undefined) return fail(res, 'replica_unavailable', 'no coordinator replica accepted the connection; retry shortly');
    const target = upstreams[i]!;
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
    headers['content-length'] = String(body.length);
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
    const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (upRes) => {
      forwarded[i]!++;
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(upRes.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
      res.writeHead(upRes.statusCode ?? 502, out);
      res.flushHeaders();
      upRes.pipe(res);
      upRes.on('error', () => res.destroy());
      res.on('close', () => upRes.destroy());
    });
    up.on('error', (err: NodeJS.ErrnoException) => {
      if (refused(err)) {
        refusals++;
        downUntil[i] = Date.now() + downMs;
        return forward(req, res, body, tries);
      }
      lost++;
      if (!res.headersSent) fail(res, 'replica_lost', `the coordinator replica was lost during the call (${err.code ?? err.message}); retry`);
      else res.destroy();
    });
    up.end(body);
  };

  const server = createServer((req, res) => collectBody(req, res, maxBody, (body) => forward(req, res, body, order())));
  // Streams (SSE) stay open for as long as the client listens.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    server,
    stats: () => ({ forwarded: [...forwarded], refused: refusals, lost }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Buffers a request's body (so that it can be resent to another replica), refusing one over `maxBody`. */
function collectBody(req: IncomingMessage, res: ServerResponse, maxBody: number, then: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > maxBody) {
      fail(res, 'payload_too_large', `request body over ${maxBody} bytes`);
      req.destroy();
    } else chunks.push(c);
  });
  req.on('end', () => {
    if (size <= maxBody) then(Buffer.concat(chunks));
  });
  req.on('error', () => res.destroy());
}

function fail(res: ServerResponse, code: ErrorCode, message: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(ERRORS[code].status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { code, message } }));
}
