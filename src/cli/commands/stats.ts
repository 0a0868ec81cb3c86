import { writeFileSync } from 'node:fs';
import { STATS_PERIODS } from '../../domain/analytics.ts';
import type { MarketStats, StatsDurations, StatsPeriod } from '../../api/index.ts';
import { parse } from '../args.ts';
import { GLOBAL_HELP, GLOBAL_OPTIONS, guard, money, oneOf, openContext, table } from '../context.ts';
import { fileError, usage } from '../errors.ts';

export const help = `proofmarket stats — market analytics (GET /v1/stats)

Requests created in the period by status, success rate, median and p90 clearing price per backend, mean and
p90 time to assignment and to verified proof, provers online and their utilisation, volume paid, fees,
slashes, the top provers by reputation, and a series of buckets (5 min for 1h, 1 h for 24h, 6 h for 7d,
1 day for 30d) with requests created and completed, median price and median latency.

Options:
  --period P        1h | 24h | 7d | 30d (default 24h)
  --format F        text | json | csv (default text). json is the /v1/stats body; csv is a header row
                    and one row per bucket of the series. --json is --format json.
  --output FILE     write to FILE instead of stdout (then prints one line saying where)

${GLOBAL_HELP}

Exit codes: 0 done, 1 the coordinator refused, 2 bad usage (unknown option, invalid value), 3 the coordinator
could not be reached, 4 --output could not be written.

Example:
  proofmarket stats
  proofmarket stats --format json --output market_stats.json
  proofmarket stats --period 7d --format csv --output trend.csv`;

const FORMATS = ['text', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];

const OPTIONS = {
  ...GLOBAL_OPTIONS,
  period: { type: 'string' },
  format: { type: 'string' },
  output: { type: 'string' },
} as const;

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parse(argv, OPTIONS);
  if (v.help) return void console.log(help);
  const period = oneOf<StatsPeriod>(v.period, 'period', STATS_PERIODS) ?? '24h';
  let format: Format = oneOf(v.format, 'format', FORMATS) ?? 'text';
  if (v.json) {
    if (v.format !== undefined && format !== 'json') throw usage(`--json and --format ${format} contradict each other; give one of them`);
    format = 'json';
  }
  if (v.output === '') throw usage('--output must name a file');
  const ctx = await openContext(v);
  const stats = await guard(() => ctx.client.stats(period));
  const body = render(stats, format);
  if (v.output === undefined) return void process.stdout.write(body);
  try {
    writeFileSync(v.output, body);
  } catch (err) {
    throw fileError(`--output ${v.output}`, err, 'write');
  }
  if (!ctx.quiet) console.log(`wrote the market stats (${period}, ${format}) to ${v.output}`);
}

/** The stats as the format asks, ending with a newline. */
export function render(stats: MarketStats, format: Format): string {
  if (format === 'json') return `${JSON.stringify(stats, null, 2)}\n`;
  if (format === 'csv') return statsCsv(stats);
  return `${statsText(stats)}\n`;
}

/** A header row, then one row per bucket of the series (empty cells where a bucket has no value). */
export function statsCsv(stats: MarketStats): string {
  const rows = [
    ['bucket_start', 'bucket_end', 'created', 'completed', 'median_price', 'median_latency_ms'],
    ...stats.series.map((b) => [b.start, b.end, String(b.created), String(b.completed), b.median_price ?? '', b.median_latency_ms === null ? '' : String(b.median_latency_ms)]),
  ];
  return rows.map((r) => r.join(',')).join('\n') + '\n';
}

/** A readable report: the headline figures, then tables of prices, top provers and the series. */
export function statsText(s: MarketStats): string {
  const st = s.requests.by_status;
  const cancelled = s.requests.cancelled ?? 0;
  const finished = (st.completed ?? 0) + (st.failed ?? 0) - cancelled;
  const online = s.provers.active + s.provers.busy;
  const lines: Array<[string, string]> = [
    ['Requests', `${s.requests.total} created: ${Object.entries(st).map(([k, n]) => `${n} ${k.replace('_', ' ')}`).join(', ')}${cancelled ? ` (${cancelled} of them cancelled)` : ''}`],
    ['Success rate', s.success_rate === null ? '- (none finished)' : `${percent(s.success_rate)} (${st.completed ?? 0} completed of ${finished} finished${cancelled ? ', cancelled ones left out' : ''})`],
    ['Time to assign', durations(s.time_to_assignment)],
    ['Time to proof', durations(s.time_to_proof)],
    ['Provers', `${online} online of ${s.provers.total} (${s.provers.active} active, ${s.provers.busy} busy, ${s.provers.offline} offline${s.provers.suspended ? `, ${s.provers.suspended} suspended` : ''})`],
    ['Utilisation', s.utilisation.ratio === null ? '- (no prover online)' : `${percent(s.utilisation.ratio)} (${s.utilisation.held} of ${s.utilisation.capacity} slots held now)`],
    ['Volume paid', money(s.volume_paid)],
    ['Fees', money(s.fees)],
    ['Slashes', `${s.slashes.count} (${money(s.slashes.amount)})${s.slashes.reversed ? `, ${s.slashes.reversed} reversed` : ''}`],
  ];
  const out = [
    `Market stats, last ${s.period}: ${when(s.from)} to ${when(s.to)} UTC`,
    '',
    ...lines.map(([k, v]) => `${k.padEnd(16)}${v}`),
    '',
    'Clearing prices',
    s.prices.length === 0 ? '  none: no request completed' : indent(table(['BACKEND', 'COMPLETED', 'MEDIAN', 'P90'], s.prices.map((p) => [p.backend, String(p.count), money(p.median), money(p.p90)]))),
    '',
    'Top provers by reputation',
    s.top_provers.length === 0
      ? '  none yet: no prover has a reputation'
      : indent(table(['PROVER', 'NAME', 'REPUTATION', 'COMPLETED', 'STATUS'], s.top_provers.map((p) => [p.prover_id, p.name ?? '-', p.reputation.toFixed(2), String(p.completed), p.status]))),
    '',
    `Series (${bucketName(s.bucket_ms)} buckets)`,
    indent(table(
      ['START', 'CREATED', 'COMPLETED', 'MEDIAN PRICE', 'MEDIAN LATENCY'],
      s.series.map((b) => [when(b.start), String(b.created), String(b.completed), money(b.median_price), b.median_latency_ms === null ? '-' : duration(b.median_latency_ms)]),
    )),
  ];
  return out.join('\n');
}

const indent = (text: string) => text.split('\n').map((l) => `  ${l}`).join('\n');
const when = (iso: string) => iso.slice(0, 16).replace('T', ' ');
const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;

function durations(d: StatsDurations): string {
  if (d.count === 0) return '- (no request yet)';
  return `mean ${duration(d.mean_ms!)}, p90 ${duration(d.p90_ms!)} (${d.count} request${d.count === 1 ? '' : 's'})`;
}

/** 850 ms, 4.25 s, 3.5 min, 2.1 h */
export function duration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(2)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

function bucketName(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} day`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  return `${ms / 60_000} min`;
}
