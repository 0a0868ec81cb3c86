// Node only (see platform.ts): the SDK's HTTP through undici's keep-alive Agent.
//
// Why not Node's global `fetch` (also undici): its WHATWG layer (streams, Headers, the abort signal's
// bookkeeping) costs about three times the CPU per call of the dispatcher API used here (≈600 µs against
// ≈190 µs per small JSON call, client and server on one machine), and the SDK is on hot paths: every poll of a
// prover node, every result, and the load generator of `npm run bench -- lifecycle`, where it shares the
// cores with the market it measures.
import { Agent, type Dispatcher } from 'undici';
import { HttpResponse, type Exchange } from './http.ts';

// Idle sockets close after 5 s, or 1 s before the server's announced `Keep-Alive: timeout`, so a request is not
// written to a socket the server is closing. undici unrefs idle sockets: they do not keep the process alive.
const agent = new Agent({ keepAliveTimeout: 5_000, keepAliveTimeoutThreshold: 1_000 });

export const undiciExchange: Exchange = async (r) => {
  const url = new URL(r.url);
  const res = await agent.request({
    origin: url.origin,
    path: url.pathname + url.search, // what the signer signed, and what goes on the request line
    method: r.method as Dispatcher.HttpMethod,
    headers: r.headers,
    body: r.body,
    signal: r.signal,
  });
  const body = new Uint8Array(await res.body.arrayBuffer());
  const h = res.headers;
  const get = (name: string): string | null => {
    const v = h[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  };
  return new HttpResponse(res.statusCode, '', { get }, body);
};
