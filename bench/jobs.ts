// npm run bench -- jobs [--json]: the container job lifecycle over HTTP, without containers: per job, five
// calls (create, fund, match, results, accept), every one signed (the requester's, the provider's), against a
// coordinator process on PGlite. Jobs per second at concurrency 1 and 8, each as a ratio to a baseline measured
// in the same run: the same five calls as unsigned health checks (GET /healthz: HTTP and the SDK, no work).
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePrivateKey } from 'viem/accounts';
import { ProofMarketClient } from '../src/sdk/client.ts';
import { privateKeySigner } from '../src/sdk/signer.ts';
import { spawnCli, waitForOutput } from '../test/support/process.ts';
import { fmt, ratio, table, type Figures } from './support.ts';

const CALLS_PER_JOB = 5;
const JOBS = { 1: 40, 8: 160 } as const;
const WARMUP = 16;
const PRICE_ETH = '0.001';

interface Party {
  requester: ProofMarketClient;
  provider: ProofMarketClient;
}

/** One job through its whole lifecycle, every call signed. */
async function lifecycle(p: Party): Promise<void> {
  const { jobId } = await p.requester.createJob({ image: 'busybox', cmd: ['sh', '-c', 'echo hi > /out/output.txt'], maxPriceEth: PRICE_ETH, outputs: [{ path: '/out/output.txt' }] });
  await p.requester.fundJob(jobId);
  await p.requester.matchJob(jobId, p.provider.address!);
  const out = Buffer.from('hi\n');
  await p.provider.submitJobResults({ jobId, artifacts: [{ path: '/out/output.txt', sha256: createHash('sha256').update(out).digest('hex'), size: out.length }], stdoutTail: '', stderrTail: '', runtimeSec: 0.01, exitCode: 0 });
  const done = await p.requester.acceptJob(jobId);
  if (done.status !== 'ACCEPTED') throw new Error(`job ${jobId} ended ${done.status}`);
}

/** `jobs` units of work on `concurrency` workers, each with its own party; units per second. */
async function run(parties: Party[], jobs: number, work: (p: Party) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(parties.map(async (p) => {
    while (next < jobs) {
      next++;
      await work(p);
    }
  }));
  return jobs / ((performance.now() - started) / 1000);
}

export async function jobsBench(): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'pm-bench-jobs-'));
  // --open takes signed calls as well; a start on a loaded machine may take a while, hence the long wait
  const proc = spawnCli(['serve', '--port', '0', '--open', '--log-level', 'error', '--data-dir', join(dir, 'db')]);
  const [, url] = await waitForOutput(proc, /listening on (http:\/\/[^\s]+)/, 300_000);
  const coordinator = { url: url!, stop: () => proc.stop() };
  const figures: Record<string, number> = {};
  try {
    const client = (signed: boolean) => new ProofMarketClient({ baseUrl: coordinator.url, ...(signed ? { signer: privateKeySigner(generatePrivateKey()) } : {}) });
    const parties = async (n: number, jobs: number) => {
      const ps = Array.from({ length: n }, () => ({ requester: client(true), provider: client(true) }));
      // each requester's balance covers its share of the jobs (0.001 ether each), in wei
      for (const p of ps) await p.requester.deposit((BigInt(Math.ceil(jobs / n) + WARMUP) * 10n ** 15n).toString());
      return ps;
    };
    const baselineWork = async (p: Party) => {
      for (let i = 0; i < CALLS_PER_JOB; i++) await p.requester.health();
    };
    for (const c of [1, 8] as const) {
      const ps = await parties(c, JOBS[c]);
      await run(ps, WARMUP, lifecycle);
      await run(ps, WARMUP, baselineWork);
      figures[`baseline_c${c}_per_s`] = await run(ps, JOBS[c], baselineWork);
      figures[`jobs_c${c}_per_s`] = await run(ps, JOBS[c], lifecycle);
      figures[`ratio_c${c}`] = figures[`jobs_c${c}_per_s`]! / figures[`baseline_c${c}_per_s`]!;
    }
    const audit = await client(false).ledgerAudit();
    if (!audit.ok) throw new Error(`the ledger does not audit after the bench: ${audit.problems.join('; ')}`);
  } finally {
    await coordinator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n### container jobs over HTTP — ${CALLS_PER_JOB} signed calls per job (create, fund, match, results, accept), no containers\n`);
  console.log(`baseline: ${CALLS_PER_JOB} unsigned GET /healthz per unit, through the same SDK and socket, in the same run.\n`);
  const row = (c: 1 | 8) => ({
    concurrency: String(c),
    jobs: String(JOBS[c]),
    'jobs per s': fmt(figures[`jobs_c${c}_per_s`]!),
    'baseline units per s': fmt(figures[`baseline_c${c}_per_s`]!),
    'vs baseline': ratio(figures[`jobs_c${c}_per_s`]!, figures[`baseline_c${c}_per_s`]!),
    'ms per job': fmt(1000 / figures[`jobs_c${c}_per_s`]!, 1),
  });
  table([row(1), row(8)]);
  console.log(`\nconcurrency 8 vs 1: ${ratio(figures.jobs_c8_per_s!, figures.jobs_c1_per_s!)}; the ledger audits clean after the bench.`);
  return Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));
}
