import autocannon from 'autocannon';

/** Figures of one load run; latencies in milliseconds. */
export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

/**
 * A bounded load run on loopback: `connections` keep-alive connections for `seconds`, or until `amount`
 * requests. `requests` lets each request be built on the fly (e.g. a different prover id per poll).
 */
export async function load(opts: {
  url: string;
  method?: 'GET' | 'POST';
  path?: string;
  body?: string;
  connections?: number;
  seconds?: number;
  amount?: number;
  setupRequest?: (req: { method: string; path: string; body?: string; headers?: Record<string, string> }) => { method: string; path: string; body?: string; headers?: Record<string, string> };
}): Promise<LoadResult> {
  const url = new URL(opts.url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error('load tests target loopback only');
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections ?? 10,
    duration: opts.seconds ?? 5,
    amount: opts.amount,
    requests: [
      {
        method: opts.method ?? 'GET',
        path: opts.path ?? '/',
        body: opts.body,
        headers: opts.body === undefined ? undefined : { 'content-type': 'application/json' },
        ...(opts.setupRequest ? { setupRequest: opts.setupRequest as never } : {}),
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

export function fmt(n: number, digits = 1): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function ratio(a: number, b: number): string {
  return `${(a / b).toFixed(2)}×`;
}

/** Prints a small aligned table. */
export function table(rows: Array<Record<string, string>>): void {
  if (rows.length === 0) return;
  const keys = Object.keys(rows[0]!);
  const width = keys.map((k) => Math.max(k.length, ...rows.map((r) => (r[k] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(width[i]!) : c.padStart(width[i]!))).join('  ');
  console.log(line(keys));
  for (const r of rows) console.log(line(keys.map((k) => r[k] ?? '')));
}
