// npm run simulate [-- --provers N --requests-per-day N --days N --mechanism all|fixed,weighted,… --seed N
//   --bidders N --plots DIR --measure-lifecycles N --database-url URL --scale-to REQUESTS_PER_DAY --json]
// A discrete-event simulation of the market at internet scale, on the real pure domain code (see README,
// "Simulation to internet scale"). Prints one table per run, the capacity plan, and with --plots writes SVG charts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { capacityPlan, type CapacityPlan } from './capacity.ts';
import { measureOpCost, type OpCost } from './measure.ts';
import type { Metrics } from './metrics.ts';
import { table, type RunSummary } from './report.ts';
import { runSimulation, SIM_MECHANISMS, type SimMechanism, type SimOptions } from './sim.ts';
import { barChart, lineChart } from './svg.ts';

interface Args {
  sim: Omit<SimOptions, 'mechanism'>;
  mechanisms: SimMechanism[];
  plots: string | null;
  json: boolean;
  measureLifecycles: number;
  databaseUrl: string | null;
  /** The daily volume the capacity plan is for (default: the simulated one); load scales linearly with it. */
  scaleTo: number;
}

function parse(argv: string[]): Args {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    if (a === '--json') flags.set('json', 'true');
    else flags.set(a.slice(2), argv[++i] ?? '');
  }
  const num = (name: string, d: number) => {
    const v = flags.has(name) ? Number(flags.get(name)) : d;
    if (!(Number.isFinite(v) && v >= 0)) throw new Error(`--${name} must be a number ≥ 0`);
    return v;
  };
  const mech = flags.get('mechanism') ?? 'all';
  const mechanisms = (mech === 'all' ? [...SIM_MECHANISMS] : mech.split(',')) as SimMechanism[];
  for (const m of mechanisms) if (!SIM_MECHANISMS.includes(m)) throw new Error(`--mechanism: unknown ${m} (one of ${SIM_MECHANISMS.join(', ')}, or all)`);
  const known = ['provers', 'requests-per-day', 'days', 'mechanism', 'seed', 'bidders', 'plots', 'json', 'measure-lifecycles', 'database-url', 'scale-to'];
  for (const k of flags.keys()) if (!known.includes(k)) throw new Error(`unknown flag --${k}`);
  return {
    sim: { provers: Math.max(1, Math.round(num('provers', 10_000))), requestsPerDay: num('requests-per-day', 1_000_000), days: num('days', 7), seed: Math.round(num('seed', 1)), bidders: Math.max(1, Math.round(num('bidders', 8))) },
    mechanisms,
    plots: flags.get('plots') ?? null,
    json: flags.has('json'),
    measureLifecycles: Math.round(num('measure-lifecycles', 200)),
    databaseUrl: flags.get('database-url') ?? null,
    scaleTo: num('scale-to', num('requests-per-day', 1_000_000)),
  };
}

function plots(dir: string, rows: RunSummary[], metrics: Metrics[], days: number): string[] {
  mkdirSync(dir, { recursive: true });
  const names = rows.map((r) => r.mechanism);
  const hours = (days: number) => (i: number) => (days > 2 ? `d${Math.floor(i / 24) + 1}` : `${i % 24}h`);
  const xEvery = days > 2 ? 24 : 6;
  const files: Array<[string, string]> = [
    ['sim-load.svg', lineChart({ title: 'Requests per hour, and proofs being made (mean busy slots)', yLabel: 'per hour / slots', xLabel: 'simulated time', xEvery, xTick: hours(days),
      series: [{ name: 'arrivals / hour', values: metrics[0]!.arrivals.downsample(60) }, ...metrics.map((m, i) => ({ name: `busy slots, ${names[i]}`, values: m.busy.downsample(60).map((v) => v / 60) }))] })],
    ['sim-tx.svg', lineChart({ title: 'Coordinator transactions per second (hourly mean)', yLabel: 'tx/s', xLabel: 'simulated time', xEvery, xTick: hours(days),
      series: metrics.map((m, i) => ({ name: names[i]!, values: m.tx.downsample(60).map((v) => v / 3600) })) })],
    ['sim-latency.svg', barChart({ title: 'Time to assignment and to proof (seconds)', yLabel: 'seconds', groups: names,
      bars: [{ name: 'assign p50', values: rows.map((r) => r.assign_p50_s ?? 0) }, { name: 'assign p99', values: rows.map((r) => r.assign_p99_s ?? 0) },
        { name: 'proof p50', values: rows.map((r) => r.proof_p50_s ?? 0) }, { name: 'proof p99', values: rows.map((r) => r.proof_p99_s ?? 0) }] })],
    ['sim-efficiency.svg', barChart({ title: 'Price paid against true cost, and who won', yLabel: 'ratio', groups: names,
      bars: [{ name: 'price / true cost', values: rows.map((r) => r.price_over_cost) }, { name: 'allocative eff.', values: rows.map((r) => r.allocative_efficiency) },
        { name: 'paid / max_price', values: rows.map((r) => r.requester_cost_over_valuation) }] })],
    ['sim-outcomes.svg', barChart({ title: 'Requests refunded, re-auctioned, offered again (%)', yLabel: '% of requests', groups: names,
      bars: [{ name: 'refunded', values: rows.map((r) => 100 * r.refunded_share) }, { name: 're-auctioned', values: rows.map((r) => 100 * r.reauctioned_share) },
        { name: 'offered again', values: rows.map((r) => 100 * r.reoffered_share) }] })],
  ];
  for (const [name, svg] of files) writeFileSync(join(dir, name), svg);
  return files.map(([n]) => join(dir, n));
}

function printCapacity(c: CapacityPlan, pglite: OpCost, pg: OpCost | null): void {
  console.log(`\ncoordinator cost per operation, measured here: PGlite ${pglite.ms_per_tx.toFixed(2)} ms/tx (${pglite.tx_per_s.toFixed(0)} tx/s, ${pglite.lifecycles} lifecycles of 4 kernel plans)`);
  if (pg) console.log(`PostgreSQL server: ${pg.tx_per_s.toFixed(0)} tx/s with ${pg.clients} clients (${pg.ms_per_tx.toFixed(2)} ms per tx per client)`);
  console.log(`simulated peak: ${c.peak_tx_per_s.toFixed(0)} tx/s (${c.peak_mechanism}), ${c.peak_proofs_per_s.toFixed(1)} proofs/s`);
  console.log(`=> ${c.replicas} coordinator replica core(s) at 70% busy; PostgreSQL must commit ${c.postgres_tx_per_s_needed.toFixed(0)} tx/s` +
    (c.postgres_servers_at_measured_rate !== null ? ` (${c.postgres_servers_at_measured_rate}× the server measured here)` : '') +
    `; the pull's polls add ${c.poll_reads_per_s.toFixed(0)} reads/s; verification needs ${c.verify_cores} core(s)`);
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  const rows: RunSummary[] = [];
  const metrics: Metrics[] = [];
  for (const mechanism of args.mechanisms) {
    const { engine, summary } = runSimulation({ ...args.sim, mechanism });
    rows.push(summary);
    metrics.push(engine.metrics);
    console.error(`${mechanism}: ${summary.submitted.toLocaleString('en')} requests in ${summary.wall_s} s`);
  }
  console.log(`${args.sim.provers.toLocaleString('en')} provers, ${args.sim.requestsPerDay.toLocaleString('en')} requests/day, ${args.sim.days} day(s), seed ${args.sim.seed}, ${args.sim.bidders} bidders per round\n`);
  console.log(table(rows));
  const pglite = await measureOpCost({ lifecycles: args.measureLifecycles });
  const pg = args.databaseUrl ? await measureOpCost({ lifecycles: args.measureLifecycles * 2, databaseUrl: args.databaseUrl, clients: 8 }) : null;
  const peakProofs = Math.max(...metrics.map((m) => m.completions.max())) / 60;
  const plan = capacityPlan(rows, pglite, pg, args.sim.provers, peakProofs, args.scaleTo / args.sim.requestsPerDay);
  if (args.scaleTo !== args.sim.requestsPerDay) console.log(`\n(capacity scaled linearly to ${args.scaleTo.toLocaleString('en')} requests/day and ${Math.round(args.sim.provers * args.scaleTo / args.sim.requestsPerDay).toLocaleString('en')} provers)`);
  printCapacity(plan, pglite, pg);
  if (args.plots) console.log(`\nplots: ${plots(args.plots, rows, metrics, args.sim.days).join(', ')}`);
  if (args.json) console.log(JSON.stringify({ options: args.sim, runs: rows, capacity: plan, op_cost: { pglite, postgres: pg } }));
}

main().catch((e: unknown) => {
  console.error(`simulate: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
