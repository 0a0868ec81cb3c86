import { readFileSync } from 'node:fs';
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

/** What every bench returns: its figures, printed by bench/main.ts as one JSON object with --json. */
export type Figures = Record<string, unknown>;

/** A size knob: the environment variable if set, else the bench's default (`npm run bench -- all` sets moderate ones). */
export function sized(env: string, fallback: number): number {
  const v = process.env[env];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${env} must be a positive number, not ${v}`);
  return n;
}

export const round = (x: number, digits = 1): number => Number(x.toFixed(digits));

/** Resident memory of a process in MB, from /proc (Linux); undefined elsewhere or once it has exited. */
export function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The highest resident memory of a process while `during` runs, sampled every `everyMs`. */
export async function peakRssMb<T>(pid: number, during: () => Promise<T>, everyMs = 100): Promise<{ value: T; peakMb: number | undefined }> {
  let peak: number | undefined;
  const sample = () => {
    const mb = rssMb(pid);
    if (mb !== undefined) peak = Math.max(peak ?? 0, mb);
  };
  const timer = setInterval(sample, everyMs);
  try {
    const value = await during();
    sample();
    return { value, peakMb: peak };
  } finally {
    clearInterval(timer);
  }
}
