// npm run bench -- lifecycle
// 1. Market throughput with the proofs generated beforehand (so proving is not measured): tasks per second
//    through submit → assign → result → verified → completed, over real HTTP against `proofmarket serve`,
//    driven through the SDK by concurrent requester and prover loops.
// 2. Its baseline, measured in the same run: the same proofs verified by the same worker pool with no market
//    around it, the same number of proofs at the same concurrency.
// 3. Proving throughput of the prover's pool with max_concurrent_proofs 1 against 2.
// The market round is bench/lifecycle-market.ts; the signed-and-settled comparison bench/lifecycle-signed.ts.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { dataCommitmentInput } from '../src/proofs/builtin/data-commitment.ts';
import { canonicalJson } from '../src/proofs/canonical.ts';
import { encodeProof } from '../src/proofs/envelope.ts';
import { builtinArtifactUrl, loadBuiltinPrograms } from '../src/proofs/programs.ts';
import { Verifier } from '../src/proofs/verifier.ts';
import { DEFAULT_CONFIG } from '../src/coordinator/config.ts';
import { ProvingPool, type ProveJob } from '../src/prover/proving.ts';
import { ProofMarketClient } from '../src/sdk/client.ts';
import { spawnCoordinator } from '../test/support/process.ts';
import { fmt, peakRssMb, ratio, round, rssMb, sized, table, type Figures } from './support.ts';
import { checkRound, marketRound, PROVER_LOOPS, REQUESTER_LOOPS, REQUESTER_WINDOW, ROUNDS, TASKS, WARMUP_TASKS, type BenchProof, type RoundResult } from './lifecycle-market.ts';
import { signedAndSettledBench } from './lifecycle-signed.ts';

export { signedAndSettledBench } from './lifecycle-signed.ts';

/** Distinct inputs, each with its own pre-generated proof; tasks cycle through them. */
const K = 24;
/** Proofs per proving run (pool of 1 and pool of 2), and runs of each. */
const PROVE_N = sized('LIFECYCLE_PROVE_N', 12);
const PROVE_ROUNDS = sized('LIFECYCLE_PROVE_ROUNDS', 2);

const PROGRAM = 'data-commitment';
const CACHE_DIR = fileURLToPath(new URL('../.proofmarket/bench-cache/', import.meta.url));

/** K distinct byte strings (32 bytes each), the same in every run, so the cache is reused. */
function inputData(i: number): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`proofmarket lifecycle bench input ${i}`).digest());
}

function proveJob(data: Uint8Array): ProveJob {
  return {
    system: 'groth16',
    input: dataCommitmentInput(data),
    wasmPath: fileURLToPath(builtinArtifactUrl(PROGRAM, 'groth16', 'wasm')),
    zkeyPath: fileURLToPath(builtinArtifactUrl(PROGRAM, 'groth16', 'zkey')),
  };
}

/**
 * One real Groth16 proof per input. A proof is bound to its task's data, so each input needs its own; they are
 * cached under .proofmarket/bench-cache/, keyed by the program id (the hash of the artifacts) and the input.
 */
export async function benchProofs(programId: string): Promise<{ proofs: BenchProof[]; generated: number; seconds: number }> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const started = performance.now();
  const proofs: Array<BenchProof | undefined> = [];
  const missing: number[] = [];
  const files: string[] = [];
  for (let i = 0; i < K; i++) {
    const data = inputData(i);
    const input = dataCommitmentInput(data);
    const key = createHash('sha256').update(`${programId}\n${canonicalJson(input)}`).digest('hex');
    files[i] = join(CACHE_DIR, `${PROGRAM}-groth16-${key}.json`);
    try {
      const cached = JSON.parse(readFileSync(files[i]!, 'utf8')) as { program_id: string; input: unknown; proof: unknown; public_signals: string[] };
      if (cached.program_id !== programId || canonicalJson(cached.input) !== canonicalJson(input)) throw new Error('stale');
      proofs[i] = { data: Array.from(data), proof: cached.proof, publicSignals: cached.public_signals, bytes: encodeProof({ system: 'groth16', proof: cached.proof, public_signals: cached.public_signals }) };
    } catch {
      missing.push(i);
    }
  }
  if (missing.length) {
    const pool = new ProvingPool({ size: availableParallelism(), timeoutMs: 120_000 });
    try {
      await Promise.all(
        missing.map(async (i) => {
          const data = inputData(i);
          const job = proveJob(data);
          const { proof, publicSignals } = await pool.prove(job);
          const tmp = `${files[i]!}.${process.pid}.tmp`;
          writeFileSync(tmp, JSON.stringify({ program_id: programId, input: job.input, proof, public_signals: publicSignals }));
          renameSync(tmp, files[i]!);
          proofs[i] = { data: Array.from(data), proof, publicSignals, bytes: encodeProof({ system: 'groth16', proof, public_signals: publicSignals }) };
        }),
      );
    } finally {
      await pool.close();
    }
  }
  return { proofs: proofs as BenchProof[], generated: missing.length, seconds: (performance.now() - started) / 1000 };
}

/** The same proofs through the same kind of pool, PROVER_LOOPS at a time, with no market around them. */
async function verifyRound(verifier: Verifier, proofs: BenchProof[], vkey: unknown, n: number): Promise<{ seconds: number; rate: number }> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: PROVER_LOOPS }, async () => {
      while (next < n) {
        const p = proofs[next++ % proofs.length]!;
        const r = await verifier.verifyRaw({ system: 'groth16', vkey, proof: p.proof, publicSignals: p.publicSignals });
        if (!r.pass) throw new Error(`a valid proof failed verification in the baseline: ${r.reason}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { seconds, rate: n / seconds };
}

// ── proving ───────────────────────────────────────────────────────────────────────────────────────

/** Seconds to prove PROVE_N proofs with a pool of `size` workers, after one warm-up proof per worker. */
async function provingSeconds(size: number): Promise<number> {
  const pool = new ProvingPool({ size, timeoutMs: 120_000 });
  try {
    // A worker's first proof also builds its curve: not part of the steady state.
    await Promise.all(Array.from({ length: size }, (_, i) => pool.prove(proveJob(inputData(i)))));
    const started = performance.now();
    await Promise.all(Array.from({ length: PROVE_N }, (_, i) => pool.prove(proveJob(inputData(i % K)))));
    return (performance.now() - started) / 1000;
  } finally {
    await pool.close();
  }
}

/** CPU milliseconds used so far by each thread of a process, from /proc (Linux); undefined elsewhere. */
function threadCpuMs(pid: number): Map<number, number> | undefined {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  const out = new Map<number, number>();
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), ((Number(f[11]) + Number(f[12])) * 1000) / 100); // utime + stime, in USER_HZ (100) ticks
    } catch {
      /* the thread exited */
    }
  }
  return out;
}

const processCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** CPU per task of one market round: the coordinator's main thread, its other threads, this process. */
interface CpuSplit {
  main: number;
  others: number;
  client: number;
}

async function measuredMarketRound(client: ProofMarketClient, coordinatorPid: number, proofs: BenchProof[], n: number, tag: string) {
  const before = threadCpuMs(coordinatorPid);
  const clientBefore = processCpuMs();
  const result = await marketRound(client, proofs, n, tag);
  const clientMs = processCpuMs() - clientBefore;
  const after = threadCpuMs(coordinatorPid);
  let cpu: CpuSplit | undefined;
  if (before && after) {
    let main = 0;
    let others = 0;
    for (const [tid, ms] of after) {
      const used = ms - (before.get(tid) ?? 0);
      if (tid === coordinatorPid) main += used;
      else others += used;
    }
    cpu = { main, others, client: clientMs };
  }
  return { result, cpu };
}

export async function lifecycleBench(): Promise<Figures> {
  const cores = availableParallelism();
  // The coordinator's default pool (cores - 1: one core stays with the event loop), and the same pool alone.
  const threads = DEFAULT_CONFIG.verifierThreads;
  const program = loadBuiltinPrograms(new Date()).find((p) => p.name === PROGRAM && p.proof_system === 'groth16');
  if (!program) throw new Error(`the built-in ${PROGRAM}/groth16 program is missing`);

  console.log(`\n## lifecycle — ${PROGRAM}/groth16, ${cores} cores\n`);
  const { proofs, generated, seconds: prepSeconds } = await benchProofs(program.program_id);
  console.log(
    `${K} proofs for ${K} distinct inputs: ${generated ? `${generated} generated, ${K - generated} from the cache` : 'all from the cache'} ` +
      `(.proofmarket/bench-cache/, ${fmt(prepSeconds)} s)`,
  );

  printMarketMethod(threads, cores);
  const rounds = await marketAgainstBaseline(proofs, program.vkey, threads);
  const { mRate, bRate } = printMarketRounds(rounds);
  const cpu = rounds.cpus.length === ROUNDS ? printCpuSplit(rounds, cores, threads) : undefined;
  console.log(`\ntarget: market ≥ 0.8× verification alone (overhead ≤ 20%) → ${ratio(mRate, bRate)}: ${mRate / bRate >= 0.8 ? 'met' : 'NOT met'}`);
  printMemory(rounds.memory);

  const signed = await signedAndSettledBench(proofs, threads);

  const proving = await provingBench(cores);
  await terminateCurves();
  return {
    tasks_per_s: round(mRate),
    verify_only_per_s: round(bRate),
    market_ratio: round(mRate / bRate, 2),
    ...signed,
    rss_mb: rounds.memory.loadMb === undefined ? null : round(rounds.memory.loadMb, 0),
    rss_idle_mb: rounds.memory.idleMb === undefined ? null : round(rounds.memory.idleMb, 0),
    rss_after_mb: rounds.memory.afterMb === undefined ? null : round(rounds.memory.afterMb, 0),
    ...(cpu ? { main_thread_cpu_ms_per_task: round(cpu.main, 2), verify_cpu_ms_per_task: round(cpu.verify, 2) } : {}),
    tasks_per_round: TASKS,
    rounds: ROUNDS,
    ...proving,
  };
}

/** The coordinator's resident memory: idle after start, peak during the measured rounds, and idle after them. */
interface Memory {
  idleMb: number | undefined;
  loadMb: number | undefined;
  afterMb: number | undefined;
}

function printMemory(m: Memory): void {
  const mb = (x: number | undefined) => (x === undefined ? 'n/a' : `${fmt(x, 0)} MB`);
  console.log(`\ncoordinator RSS: idle ${mb(m.idleMb)} (target < 250 MB), peak under the rounds ${mb(m.loadMb)} (target < 350 MB), idle after ${mb(m.afterMb)}`);
}

/** The measured rounds: the market's, their CPU split where /proc allows, and the baseline's with its CPU. */
interface MarketRounds {
  market: RoundResult[];
  cpus: CpuSplit[];
  base: Array<{ seconds: number; rate: number; cpu: number }>;
  memory: Memory;
}

function printMarketMethod(threads: number, cores: number): void {
  console.log(
    `\n### market throughput, proofs made beforehand — ${TASKS} tasks per round, ${ROUNDS} rounds after ${WARMUP_TASKS} warm-up tasks\n\n` +
      `market: \`proofmarket serve\` as a child process (embedded PGlite, --verifier-threads ${threads}), over loopback HTTP, driven through\n` +
      `  the SDK by ${REQUESTER_LOOPS} requester loops (≤ ${REQUESTER_WINDOW} unfinished tasks each) and ${PROVER_LOOPS} prover loops (capacity 1), from submit to completed.\n` +
      `baseline: the same proofs through new Verifier({ threads: ${threads} }).verifyRaw in this process, ${PROVER_LOOPS} at a time, no market.\n` +
      `A child process is the fairer setup: the coordinator runs as it is deployed, and its event loop (which also runs PGlite)\n` +
      `is not shared with the load generator's. Both still share the ${cores} cores with the verifier threads, as does the load generator.\n`,
  );
}

/** After a warm-up of each, ROUNDS rounds alternating the baseline and the market (`proofmarket serve` as a child process). */
async function marketAgainstBaseline(proofs: BenchProof[], vkey: unknown, threads: number): Promise<MarketRounds> {
  const dir = mkdtempSync(join(tmpdir(), 'pm-bench-lifecycle-'));
  const coordinator = await spawnCoordinator(['--data-dir', join(dir, 'db'), '--log-level', 'error', '--verifier-threads', String(threads)]);
  const verifier = new Verifier({ threads });
  const market: RoundResult[] = [];
  const cpus: CpuSplit[] = [];
  const base: Array<{ seconds: number; rate: number; cpu: number }> = [];
  const memory: Memory = { idleMb: undefined, loadMb: undefined, afterMb: undefined };
  try {
    const client = new ProofMarketClient({ baseUrl: coordinator.url });
    await new Promise((r) => setTimeout(r, 1_000)); // started: the Poseidon hasher and the verifier threads are built
    memory.idleMb = rssMb(coordinator.pid);
    await verifyRound(verifier, proofs, vkey, WARMUP_TASKS); // warm up the baseline's threads
    await marketRound(client, proofs, WARMUP_TASKS, 'warmup');
    const measured = await peakRssMb(coordinator.pid, async () => {
      for (let r = 0; r < ROUNDS; r++) {
        const cpuBefore = processCpuMs();
        const b = await verifyRound(verifier, proofs, vkey, TASKS);
        base.push({ ...b, cpu: processCpuMs() - cpuBefore });
        const m = await measuredMarketRound(client, coordinator.pid, proofs, TASKS, `r${r}`);
        market.push(m.result);
        if (m.cpu) cpus.push(m.cpu);
        await checkRound(client, `r${r}`, TASKS);
      }
    });
    memory.loadMb = measured.peakMb;
    await new Promise((r) => setTimeout(r, 1_000));
    memory.afterMb = rssMb(coordinator.pid);
  } finally {
    await verifier.close();
    await coordinator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return { market, cpus, base, memory };
}

/** The table of the rounds, each market round against the baseline round next to it; returns the overall rates. */
function printMarketRounds({ market, cpus, base }: MarketRounds): { mRate: number; bRate: number } {
  const rows: Array<Record<string, string>> = [];
  const blank = { 'submit ms': '', 'assign ms': '', 'result ms': '', 'CPU ms / task': '' };
  for (let r = 0; r < ROUNDS; r++) {
    const m = market[r]!;
    const b = base[r]!;
    const c = cpus[r];
    rows.push({ run: `round ${r + 1}: verification only (baseline)`, tasks: String(TASKS), s: fmt(b.seconds, 2), 'per s': fmt(b.rate), 'vs baseline': '1.00×', ...blank, 'CPU ms / task': fmt(b.cpu / TASKS, 1) });
    rows.push({
      run: `round ${r + 1}: market, submit → completed`,
      tasks: String(m.tasks),
      s: fmt(m.seconds, 2),
      'per s': fmt(m.rate),
      'vs baseline': ratio(m.rate, b.rate),
      'submit ms': fmt(m.ms.submit, 1),
      'assign ms': fmt(m.ms.assign, 1),
      'result ms': fmt(m.ms.result, 1),
      'CPU ms / task': c ? [c.main, c.others, c.client].map((x) => fmt(x / m.tasks, 1)).join(' + ') : '',
    });
  }
  const baseSeconds = base.reduce((s, b) => s + b.seconds, 0);
  const marketSeconds = market.reduce((s, m) => s + m.seconds, 0);
  const bRate = (ROUNDS * TASKS) / baseSeconds;
  const mRate = market.reduce((s, m) => s + m.tasks, 0) / marketSeconds;
  rows.push({ run: 'all rounds: verification only', tasks: String(ROUNDS * TASKS), s: fmt(baseSeconds, 2), 'per s': fmt(bRate), 'vs baseline': '1.00×', ...blank });
  rows.push({ run: 'all rounds: market', tasks: String(ROUNDS * TASKS), s: fmt(marketSeconds, 2), 'per s': fmt(mRate), 'vs baseline': ratio(mRate, bRate), ...blank });
  table(rows);
  console.log(
    `(ms: mean latency per request seen by the SDK; "result" includes the verification. CPU: the baseline's process; for the\n` +
      ` market, coordinator main thread + its other threads + the load generator. Empty polls: ${market.map((m) => m.emptyPolls).join(', ')}.)`,
  );
  return { mRate, bRate };
}

/** Where the CPU goes. Both sides run CPU-bound on the same cores, so CPU per task estimates the ratio. */
function printCpuSplit({ cpus, base }: MarketRounds, cores: number, threads: number): { main: number; verify: number } {
  const n = ROUNDS * TASKS;
  const verifyMs = base.reduce((s, b) => s + b.cpu, 0) / n;
  const main = cpus.reduce((s, c) => s + c.main, 0) / n;
  const others = cpus.reduce((s, c) => s + c.others, 0) / n;
  const client = cpus.reduce((s, c) => s + c.client, 0) / n;
  const total = main + others + client;
  console.log(`\nCPU per task (all rounds, from /proc and process.cpuUsage):\n`);
  table([
    { where: 'baseline: verification only (this process, all threads)', 'CPU ms / task': fmt(verifyMs, 2) },
    { where: 'market: coordinator main thread (HTTP, PGlite, commitments, dispatch)', 'CPU ms / task': fmt(main, 2) },
    { where: 'market: coordinator other threads (verifier pool, V8 helpers)', 'CPU ms / task': fmt(others, 2) },
    { where: 'market: load generator (this process: SDK requesters and provers)', 'CPU ms / task': fmt(client, 2) },
    { where: 'market: total', 'CPU ms / task': fmt(total, 2) },
  ]);
  // What the CPU alone allows. The baseline keeps its verifier threads busy: threads / verifyMs per ms. The market
  // is bound twice: by its verifier threads (`others`: the verifier pool and V8's helpers), and by the cores that
  // everything shares (`total`, the load generator included).
  const bound = (shared: number) => Math.min(verifyMs / others, ((cores / threads) * verifyMs) / shared);
  console.log(
    `\nCPU bound on the ratio: min(verification CPU / coordinator's other threads, ${cores} cores / ${threads} verifier thread(s) × ` +
      `verification CPU / market total) = ${ratio(bound(total), 1)} (${ratio(bound(main + others), 1)} if the load generator ran on other cores).`,
  );
  return { main, verify: verifyMs };
}

/** Proving throughput of the prover node's pool: max_concurrent_proofs 1 against 2. */
async function provingBench(cores: number): Promise<{ prove_one_per_s: number; prove_two_per_s: number }> {
  console.log(
    `\n### proving throughput — ProvingPool (the prover node's pool), ${PROGRAM}/groth16, ${PROVE_N} proofs per run after one warm-up\n` +
      `proof per worker; sizes 1 and 2 alternate over ${PROVE_ROUNDS} rounds\n`,
  );
  const secs: Record<1 | 2, number[]> = { 1: [], 2: [] };
  for (let r = 0; r < PROVE_ROUNDS; r++) for (const size of [1, 2] as const) secs[size].push(await provingSeconds(size));
  const rate = (size: 1 | 2) => (PROVE_ROUNDS * PROVE_N) / secs[size].reduce((a, b) => a + b, 0);
  const proveRows: Array<Record<string, string>> = [];
  for (const size of [1, 2] as const) {
    proveRows.push({
      max_concurrent_proofs: size === 1 ? '1 (baseline)' : '2',
      proofs: String(PROVE_ROUNDS * PROVE_N),
      'per round s': secs[size].map((x) => fmt(x, 2)).join(', '),
      'proofs/s': fmt(rate(size), 2),
      ratio: size === 1 ? '1.00×' : ratio(rate(2), rate(1)),
    });
  }
  table(proveRows);
  console.log(`\ntarget: 2 workers ≥ 1.7× one → ${ratio(rate(2), rate(1))}: ${rate(2) / rate(1) >= 1.7 ? 'met' : 'NOT met'}${cores < 2 ? ` (only ${cores} core)` : ''}`);
  return { prove_one_per_s: round(rate(1), 2), prove_two_per_s: round(rate(2), 2) };
}
