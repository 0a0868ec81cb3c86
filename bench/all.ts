// npm run bench -- all: every bench at a moderate size, then one table of every figure (name, figure, value,
// baseline, ratio, target, met?). The rows with a baseline or a target are listed first, in FIGURES; every other
// number a bench returned follows, so the table holds every figure. Pure: bench/main.ts runs the benches.
import type { Figures } from './support.ts';

/** The sizes `all` runs at (each an environment knob of its bench; one already set in the environment wins). */
export const MODERATE_SIZES: Record<string, string> = {
  PM_SPAWN_TIMEOUT_MS: '180000',
  VERIFY_ROUNDS: '3',
  VERIFY_SINGLES: '12',
  VERIFY_POOL_PROOFS: '128',
  LATENCY_REQUESTS: '60',
  CLEARING_RUNS: '3',
  LIFECYCLE_TASKS: '150',
  LIFECYCLE_WARMUP: '100',
  LIFECYCLE_ROUNDS: '2',
  LIFECYCLE_PROVE_N: '4',
  LIFECYCLE_PROVE_ROUNDS: '1',
  API_TASKS: '20000',
  API_SECONDS: '2',
  API_POOL_PROOFS: '120',
  AUCTION_ROUNDS: '1',
  AUCTION_HTTP_REQUESTS: '100',
  ARTIFACT_BENCH_MB: '16',
  FUZZ_CASES: '1000',
  PROVERS_COUNT: '200',
  PROVERS_PENDING: '5000',
  PROVERS_SECONDS: '5',
  CHAOS_TASKS: '200',
  CHAOS_TIMEOUT_S: '300',
  BENCH_JOB_RUNS: '6',
};

/** The order `all` runs them in: the issue's figures first, so that a time budget cuts the others. */
export const ALL_ORDER = ['lifecycle', 'verify', 'latency', 'clearing', 'api', 'auction', 'artifacts', 'jobs', 'fuzz', 'chain', 'provers', 'chaos', 'jobs-container'];
/** Seconds after which `all` starts no further bench (BENCH_ALL_BUDGET_S): they are listed as not run. */
export const ALL_BUDGET_S = 1_200;

/** Benches `all` leaves out, and why (each still runs when named). */
export const NOT_IN_ALL: Record<string, string> = {
  zkml: 'proves real model inferences: minutes per model even at one proof',
};

export interface Target {
  op: '>=' | '<' | '<=';
  value: number;
  /** Compared with the value itself, or with value / baseline. */
  of: 'value' | 'ratio';
}

export interface FigureSpec {
  bench: string;
  /** A path into the bench's figures, dot-separated for nested objects. */
  key: string;
  label: string;
  baseline?: string;
  target?: Target;
}

const at = (op: Target['op'], value: number, of: Target['of'] = 'value'): Target => ({ op, value, of });

/** The figures the issues set targets for or compare with a baseline measured in the same run. */
export const FIGURES: readonly FigureSpec[] = [
  { bench: 'verify', key: 'fast_per_s', label: 'Groth16 mcl-wasm, one proof (proofs/s)', baseline: 'snarkjs_per_s', target: at('>=', 4, 'ratio') },
  { bench: 'verify', key: 'batch_per_s', label: 'Groth16 mcl-wasm, batch of 64 (proofs/s)', baseline: 'snarkjs_per_s', target: at('>=', 1000) },
  { bench: 'verify', key: 'pool_batch_per_s', label: 'Verifier pool, batched (proofs/s)', baseline: 'pool_snarkjs_per_s' },
  { bench: 'latency', key: 'p50_ms', label: 'request → assignment p50, 20 provers (ms)', baseline: 'baseline_p50_ms' },
  { bench: 'latency', key: 'p99_ms', label: 'request → assignment p99, 20 provers (ms)', baseline: 'baseline_p99_ms', target: at('<', 50) },
  ...(['fixed', 'weighted', 'sealed', 'rising'] as const).map((m) => ({ bench: 'clearing', key: `${m}_ms`, label: `clearing 10,000 bids, ${m} (ms)`, baseline: `baseline_${m}_ms`, target: at('<', 10) })),
  { bench: 'lifecycle', key: 'tasks_per_s', label: 'lifecycle over HTTP, unsigned (tasks/s)', baseline: 'verify_only_per_s', target: at('>=', 400) },
  { bench: 'lifecycle', key: 'signed_settled_per_s', label: 'lifecycle, signed and settled (tasks/s)', baseline: 'unsigned_per_s', target: at('>=', 400) },
  { bench: 'lifecycle', key: 'rss_idle_mb', label: 'coordinator RSS idle (MB)', target: at('<', 250) },
  { bench: 'lifecycle', key: 'rss_mb', label: 'coordinator RSS under load (MB)', target: at('<', 350) },
  { bench: 'lifecycle', key: 'prove_two_per_s', label: 'prover pool of 2 (proofs/s)', baseline: 'prove_one_per_s', target: at('>=', 1.7, 'ratio') },
  { bench: 'api', key: 'assign_c1_p99_ms', label: 'assign p99, 1 connection (ms)', target: at('<', 5) },
  { bench: 'api', key: 'assign_c1_per_s', label: 'assign, 1 connection (req/s)', baseline: 'bare_per_s' },
  { bench: 'api', key: 'submit_per_s', label: 'POST /tasks, 10 connections (req/s)', baseline: 'bare_per_s' },
  { bench: 'api', key: 'pool_per_s', label: 'verifier pool vs 1 thread (proofs/s)', baseline: 'pool_one_per_s', target: at('>=', 1.7, 'ratio') },
  { bench: 'auction', key: 'http.live_auction_p99_ms', label: 'fixed auction, live: request → assignment p99 (ms)', baseline: 'http.live_seed_p99_ms' },
  { bench: 'artifacts', key: 'local_mbps.put', label: 'artifact put, local (MB/s)', baseline: 'baseline_mbps.write' },
  { bench: 'artifacts', key: 's3_mbps.put', label: 'artifact put, S3 (MB/s)', baseline: 'baseline_mbps.write' },
  { bench: 'chain', key: 'batch10_gas_per_proof', label: 'fulfillBatch of 10, gas per proof', baseline: 'single_gas', target: at('<=', 0.7, 'ratio') },
  { bench: 'jobs', key: 'jobs_c8_per_s', label: 'container job lifecycle over HTTP, 8 at a time (jobs/s)', baseline: 'baseline_c8_per_s' },
  { bench: 'jobs-container', key: 'jobTrue.p50Ms', label: 'container job `true`, p50 (ms)', baseline: 'spawn.p50Ms' },
  { bench: 'fuzz', key: 'problems', label: 'route fuzzer: problems found', target: at('<=', 0) },
  { bench: 'provers', key: 'three.tasks_per_s', label: '3 replicas on PostgreSQL (tasks/s)', baseline: 'one.tasks_per_s' },
  { bench: 'provers', key: 'one.assign_p99_ms', label: 'assign p99, 1 replica, many provers (ms)' },
  { bench: 'chaos', key: 'completed_more_than_once', label: 'chaos: tasks completed more than once', target: at('<=', 0) },
  { bench: 'chaos', key: 'double_payments', label: 'chaos: double payments', target: at('<=', 0) },
];

export interface Row {
  bench: string;
  figure: string;
  value: number;
  baseline: number | undefined;
  ratio: number | undefined;
  target: string;
  met: boolean | undefined;
}

/** The value at a dotted path, if it is a finite number. */
export function figureAt(figures: Figures, path: string): number | undefined {
  let v: unknown = figures;
  for (const part of path.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Every finite number in a bench's figures, by dotted path. */
function leaves(figures: Figures, prefix = ''): Array<[string, number]> {
  return Object.entries(figures).flatMap(([k, v]): Array<[string, number]> => {
    if (typeof v === 'number' && Number.isFinite(v)) return [[prefix + k, v]];
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return leaves(v as Figures, `${prefix}${k}.`);
    return [];
  });
}

export function targetMet(t: Target, value: number, ratio: number | undefined): boolean | undefined {
  const x = t.of === 'ratio' ? ratio : value;
  if (x === undefined) return undefined;
  return t.op === '>=' ? x >= t.value : t.op === '<' ? x < t.value : x <= t.value;
}

const describe = (t: Target) => `${t.op === '>=' ? '≥' : t.op === '<=' ? '≤' : '<'} ${t.value}${t.of === 'ratio' ? '×' : ''}`;

/** The one table: the FIGURES rows of the benches that ran, then every other number they returned. */
export function allRows(results: Record<string, Figures>): Row[] {
  const rows: Row[] = [];
  const shown = new Set<string>();
  for (const spec of FIGURES) {
    const figures = results[spec.bench];
    const value = figures ? figureAt(figures, spec.key) : undefined;
    if (figures === undefined || value === undefined) continue;
    const baseline = spec.baseline ? figureAt(figures, spec.baseline) : undefined;
    const ratio = baseline ? value / baseline : undefined;
    rows.push({ bench: spec.bench, figure: spec.label, value, baseline, ratio, target: spec.target ? describe(spec.target) : '', met: spec.target ? targetMet(spec.target, value, ratio) : undefined });
    shown.add(`${spec.bench}:${spec.key}`);
    if (spec.baseline) shown.add(`${spec.bench}:${spec.baseline}`);
  }
  for (const [bench, figures] of Object.entries(results)) {
    for (const [key, value] of leaves(figures)) {
      if (!shown.has(`${bench}:${key}`)) rows.push({ bench, figure: key, value, baseline: undefined, ratio: undefined, target: '', met: undefined });
    }
  }
  return rows;
}

const num = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 1 ? 1 : 3 });

/** The rows as a Markdown table (what the README's performance section pastes). */
export function markdownTable(rows: readonly Row[]): string {
  const lines = ['| bench | figure | value | baseline | ratio | target | met? |', '| --- | --- | ---: | ---: | ---: | --- | --- |'];
  for (const r of rows) {
    const met = r.met === undefined ? '' : r.met ? 'yes' : '**no**';
    lines.push(`| ${r.bench} | ${r.figure} | ${num(r.value)} | ${r.baseline === undefined ? '' : num(r.baseline)} | ${r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`} | ${r.target} | ${met} |`);
  }
  return lines.join('\n');
}
