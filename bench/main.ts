// npm run bench [-- NAME … | all] [--json]: prints the figures the issues ask for, each as a ratio against a
// baseline measured in the same run (the machine is shared and noisy, so absolute numbers drift).
// One convention: every bench prints its human tables and returns its figures; this file prints them, with
// --json, as exactly one JSON object on the last line of stdout (one bench: its figures; several: keyed by name).
// Benches are imported when they run, so `all` can set its moderate sizes (environment knobs) first.
import { ALL_BUDGET_S, ALL_ORDER, allRows, markdownTable, MODERATE_SIZES, NOT_IN_ALL } from './all.ts';
import type { Figures } from './support.ts';

type Bench = () => Promise<Figures>;
const BENCHES: Record<string, () => Promise<Bench>> = {
  api: async () => (await import('./api.ts')).apiBench,
  lifecycle: async () => (await import('./lifecycle.ts')).lifecycleBench,
  auction: async () => (await import('./auction.ts')).auctionBench,
  fuzz: async () => (await import('./fuzz.ts')).fuzzBench,
  latency: async () => (await import('./latency.ts')).latencyBench,
  verify: async () => (await import('./verify.ts')).verifyBench,
  chain: async () => (await import('./chain.ts')).chainBench,
  'jobs-container': async () => (await import('./jobs-container.ts')).jobsContainerBench,
  jobs: async () => (await import('./jobs.ts')).jobsBench,
  clearing: async () => (await import('./clearing.ts')).clearingBench,
  zkml: async () => (await import('./zkml.ts')).zkmlBench,
  artifacts: async () => (await import('./artifacts.ts')).artifactsBench,
  chaos: async () => (await import('./chaos.ts')).chaosBench,
  provers: async () => (await import('./provers.ts')).proversBench,
};
// Run only when named (or by `all`): they take minutes, or need services.
const ON_REQUEST = new Set(['fuzz', 'chain', 'jobs-container', 'jobs', 'zkml', 'chaos', 'provers']);

const json = process.argv.includes('--json');
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const all = wanted.includes('all');
const unknown = wanted.filter((w) => w !== 'all' && !BENCHES[w]);
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; choose from all, ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
if (all) for (const [k, v] of Object.entries(MODERATE_SIZES)) process.env[k] ??= v;
const names = all ? [...ALL_ORDER, ...Object.keys(BENCHES).filter((n) => !ALL_ORDER.includes(n))].filter((n) => !NOT_IN_ALL[n]) : wanted.length ? wanted : Object.keys(BENCHES).filter((n) => !ON_REQUEST.has(n));

const started = performance.now();
const results: Record<string, Figures> = {};
for (const name of names) {
  const benchStarted = performance.now();
  if (!all) {
    results[name] = await (await BENCHES[name]!())();
    continue;
  }
  if ((performance.now() - started) / 1000 > Number(process.env.BENCH_ALL_BUDGET_S ?? ALL_BUDGET_S)) {
    results[name] = { skipped: 'time budget' };
    console.log(`\n${name}: not run (over the time budget of \`all\`)`);
    continue;
  }
  // under `all`, a bench that fails (a service missing, a timeout on a loaded machine) is reported, not fatal
  try {
    results[name] = await (await BENCHES[name]!())();
  } catch (err) {
    console.log(`\n${name} failed: ${(err as Error).message.split('\n')[0]}`);
    results[name] = { error: (err as Error).message.split('\n')[0] };
  }
  console.log(`\n(${name}: ${((performance.now() - benchStarted) / 1000).toFixed(0)} s)`);
}
const seconds = Math.round((performance.now() - started) / 1000);
if (all) {
  console.log(`\n## all — every bench at a moderate size, ${seconds} s in all (not run: ${Object.entries(NOT_IN_ALL).map(([n, why]) => `${n}, ${why}`).join('; ')})\n`);
  console.log(markdownTable(allRows(results)));
}
if (json) {
  const only = names.length === 1 ? names[0]! : undefined;
  console.log(JSON.stringify(only ? { bench: only, ...results[only] } : { benches: results, seconds, ...(all ? { table: allRows(results) } : {}) }));
}
