// npm run bench -- lifecycle
// 1. Market throughput with the proofs generated beforehand (so proving is not measured): tasks per second
//    through submit → assign → result → verified → completed, over real HTTP against `proofmarket serve`,
//    driven through the SDK by concurrent requester and prover loops.
// 2. Its baseline, measured in the same run: the same proofs verified by the same worker pool with no market
//    around it, the same number of proofs at the same concurrency.
// 3. Proving throughput of the prover's pool with max_concurrent_proofs 1 against 2.
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
import { privateKeySigner } from '../src/sdk/signer.ts';
import { generatePrivateKey } from 'viem/accounts';
import { spawnCoordinator } from '../test/support/process.ts';
import { fmt, ratio, table } from './support.ts';

/** Distinct inputs, each with its own pre-generated proof; tasks cycle through them. */
const K = 24;
/** Tasks per measured market round (and proofs per baseline round). */
const TASKS = 300;
/**
 * Tasks run through the market, and proofs through the baseline's pool, before measuring: JIT tier-up of the
 * coordinator, PGlite's wasm, the verifier threads and the load generator. With 40 market tasks and 4 baseline
 * proofs, the first measured round was usually the slowest, its coordinator using ~10-20% more CPU per task.
 */
const WARMUP_TASKS = 300;
/** Measured rounds; market and baseline alternate, so drift on the shared machine hits both alike. */
const ROUNDS = 3;
const PROVER_LOOPS = 8;
const REQUESTER_LOOPS = 2;
/** Tasks a requester loop keeps submitted but unfinished: a steady backlog, not one burst. */
const REQUESTER_WINDOW = 12;
/** A round that has not finished by then is stopped and reported as such. */
const ROUND_LIMIT_MS = 60_000;
/** Proofs per proving run (pool of 1 and pool of 2), and runs of each. */
const PROVE_N = 12;
const PROVE_ROUNDS = 2;

const PROGRAM = 'data-commitment';
const CACHE_DIR = fileURLToPath(new URL('../.proofmarket/bench-cache/', import.meta.url));

interface BenchProof {
  data: number[];
  proof: unknown;
  publicSignals: string[];
  /** The seed API's proof bytes (encodeProof). */
  bytes: number[];
}

/** K distinct byte strings (32 bytes each), the same in every run, so the cache is reused. */
function inputData(i: number): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`proofmarket lifecycle bench input ${i}`).digest());
}

const dataKey = (data: ArrayLike<number>) => Buffer.from(Uint8Array.from(data as ArrayLike<number>)).toString('hex');

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

// ── market ────────────────────────────────────────────────────────────────────────────────────────

interface RoundResult {
  tasks: number;
  seconds: number;
  rate: number;
  /** Client-side mean latency per request type, in ms. */
  ms: { submit: number; assign: number; result: number };
  emptyPolls: number;
}

class Timer {
  total = 0;
  count = 0;
  async time<T>(p: () => Promise<T>): Promise<T> {
    const t = performance.now();
    try {
      return await p();
    } finally {
      this.total += performance.now() - t;
      this.count++;
    }
  }
  get mean(): number {
    return this.count ? this.total / this.count : 0;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `n` tasks through the market: REQUESTER_LOOPS loops submit them (each keeps at most REQUESTER_WINDOW
 * unfinished), PROVER_LOOPS provers (capacity 1) poll, and answer each task with the proof made for its data.
 * Timed from the first submit to the last accepted result (a Pass moves the task to completed before the
 * response is sent).
 */
/**
 * How the parties of a round call: by default unsigned (`serve --open`), each task paying `reward`; `signed`
 * gives every requester and prover loop a client of its own that signs (requesters named by their address).
 */
interface RoundParties {
  reward: string;
  signed?: { requesters: ProofMarketClient[]; provers: ProofMarketClient[] };
}

async function marketRound(client: ProofMarketClient, proofs: BenchProof[], n: number, tag: string, parties: RoundParties = { reward: '1' }): Promise<RoundResult> {
  const byData = new Map(proofs.map((p) => [dataKey(p.data), p]));
  const proverClient = (i: number) => parties.signed?.provers[i] ?? client;
  const proverIds = await Promise.all(
    Array.from({ length: PROVER_LOOPS }, (_, i) => proverClient(i).registerProver({ prover_id: `bench-${tag}-prover-${i}`, supported_levels: [1], capacity: 1 })),
  );
  const timers = { submit: new Timer(), assign: new Timer(), result: new Timer() };
  let submitted = 0;
  /** Submits the coordinator has answered: those tasks are stored. */
  let accepted = 0;
  let completed = 0;
  let emptyPolls = 0;
  let failure: Error | undefined;
  let wake: Array<() => void> = [];
  const done = new Set<string>();
  const until = Date.now() + ROUND_LIMIT_MS;
  const stopped = () => failure !== undefined || Date.now() > until;
  const started = performance.now();
  let finished = started;

  const requester = async (r: number) => {
    const outstanding = new Set<string>();
    while (submitted < n && !stopped()) {
      if (outstanding.size >= REQUESTER_WINDOW) {
        // Woken by the next completion (or after a while, so a stalled round still ends at its time limit).
        await new Promise<void>((res) => {
          wake.push(res);
          setTimeout(res, 100);
        });
        for (const id of outstanding) if (done.has(id)) outstanding.delete(id);
        continue;
      }
      const i = submitted++;
      const p = proofs[i % proofs.length]!;
      const as = parties.signed?.requesters[r] ?? client;
      const id = await timers.submit.time(() =>
        as.submitTask({ task_id: `bench-${tag}-${i}`, privacy_level: 1, circuit_data: p.data, reward_amount: parties.reward, requester: as.address ?? `bench-requester-${r}` }),
      );
      accepted++;
      outstanding.add(id);
    }
  };
  const prover = async (proverId: string, as: ProofMarketClient) => {
    while (completed < n && !stopped()) {
      const allStored = accepted >= n;
      const task = await timers.assign.time(() => as.assignTask(proverId));
      if (!task) {
        emptyPolls++;
        // Polled after every task of the round was stored, and none was pending (valid proofs are never rejected,
        // so none comes back): this loop has nothing left to take. Polling on at 1 ms while the last results
        // verify would only spin (a prover node naps poll_interval, 0.5 s, after an empty poll).
        if (allStored) break;
        await sleep(1);
        continue;
      }
      const p = byData.get(dataKey(task.circuit_data));
      if (!p) throw new Error(`task ${task.task_id} carries data no proof was made for`);
      const res = await timers.result.time(() => as.submitResult({ task_id: task.task_id, prover_id: proverId, proof: p.bytes }));
      if (!res.accepted) throw new Error(`the market rejected a valid proof for ${task.task_id}: ${res.reason}`);
      done.add(task.task_id);
      completed++;
      finished = performance.now();
      const w = wake;
      wake = [];
      for (const f of w) f();
    }
  };

  const guard = (p: Promise<unknown>) =>
    p.catch((err: Error) => {
      failure ??= err;
      for (const f of wake.splice(0)) f();
    });
  await Promise.all([
    ...Array.from({ length: REQUESTER_LOOPS }, (_, r) => guard(requester(r))),
    ...proverIds.map((id, i) => guard(prover(id, proverClient(i)))),
  ]);
  if (failure) throw failure;
  if (completed < n) throw new Error(`only ${completed} of ${n} tasks completed within ${ROUND_LIMIT_MS / 1000} s`);
  const seconds = (finished - started) / 1000;
  return { tasks: completed, seconds, rate: completed / seconds, ms: { submit: timers.submit.mean, assign: timers.assign.mean, result: timers.result.mean }, emptyPolls };
}

/** After the clock stops: every task of the round is completed, through exactly submitted → assigned → completed. */
async function checkRound(client: ProofMarketClient, tag: string, n: number): Promise<void> {
  for (let i = 0; i < n; i += 20) {
    const batch = Array.from({ length: Math.min(20, n - i) }, (_, j) => client.taskStatus(`bench-${tag}-${i + j}`));
    for (const s of await Promise.all(batch)) {
      const path = (s.history ?? []).map((h) => h.to).join('→');
      if (s.status !== 'completed' || path !== 'pending→assigned→completed') throw new Error(`task ${s.task_id} is ${s.status} (${path})`);
    }
  }
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

export async function lifecycleBench(): Promise<void> {
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

  console.log(
    `\n### market throughput, proofs made beforehand — ${TASKS} tasks per round, ${ROUNDS} rounds after ${WARMUP_TASKS} warm-up tasks\n\n` +
      `market: \`proofmarket serve\` as a child process (embedded PGlite, --verifier-threads ${threads}), over loopback HTTP, driven through\n` +
      `  the SDK by ${REQUESTER_LOOPS} requester loops (≤ ${REQUESTER_WINDOW} unfinished tasks each) and ${PROVER_LOOPS} prover loops (capacity 1), from submit to completed.\n` +
      `baseline: the same proofs through new Verifier({ threads: ${threads} }).verifyRaw in this process, ${PROVER_LOOPS} at a time, no market.\n` +
      `A child process is the fairer setup: the coordinator runs as it is deployed, and its event loop (which also runs PGlite)\n` +
      `is not shared with the load generator's. Both still share the ${cores} cores with the verifier threads, as does the load generator.\n`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'pm-bench-lifecycle-'));
  const coordinator = await spawnCoordinator(['--data-dir', join(dir, 'db'), '--log-level', 'error', '--verifier-threads', String(threads)]);
  const verifier = new Verifier({ threads });
  const market: RoundResult[] = [];
  const cpus: CpuSplit[] = [];
  const base: Array<{ seconds: number; rate: number; cpu: number }> = [];
  try {
    const client = new ProofMarketClient({ baseUrl: coordinator.url });
    const vkey = program.vkey;
    await verifyRound(verifier, proofs, vkey, WARMUP_TASKS); // warm up the baseline's threads
    await marketRound(client, proofs, WARMUP_TASKS, 'warmup');
    for (let r = 0; r < ROUNDS; r++) {
      const cpuBefore = processCpuMs();
      const b = await verifyRound(verifier, proofs, vkey, TASKS);
      base.push({ ...b, cpu: processCpuMs() - cpuBefore });
      const m = await measuredMarketRound(client, coordinator.pid, proofs, TASKS, `r${r}`);
      market.push(m.result);
      if (m.cpu) cpus.push(m.cpu);
      await checkRound(client, `r${r}`, TASKS);
    }
  } finally {
    await verifier.close();
    await coordinator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
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

  if (cpus.length === ROUNDS) {
    // Where the CPU goes. Both sides run CPU-bound on the same cores, so CPU per task estimates the ratio.
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
  }
  console.log(`\ntarget: market ≥ 0.8× verification alone (overhead ≤ 20%) → ${ratio(mRate, bRate)}: ${mRate / bRate >= 0.8 ? 'met' : 'NOT met'}`);

  await signedAndSettledBench(proofs, threads);

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
  await terminateCurves();
}

/**
 * The cost of signed calls and of the ledger (issue #5), in one run against one coordinator (`--open`, which
 * takes signed and unsigned calls alike): rounds where nobody signs and tasks pay nothing (no money moves: no
 * escrow, no settlement), alternating with rounds where every requester and prover signs every call (the
 * claiming poll included) and every task escrows its reward and settles it with the protocol fee.
 */
export async function signedAndSettledBench(proofs: BenchProof[], threads: number): Promise<void> {
  const REWARD = '1000';
  console.log(
    `\n### signed calls and settlement — ${TASKS} tasks per round, ${ROUNDS} rounds of each after a warm-up of each\n\n` +
      `without: unsigned calls, reward 0 (no ledger movement). with: every call signed (EIP-191, a fresh nonce each), each requester\n` +
      `  funded by a deposit, each task escrowing ${REWARD} and settled on its verified proof (prover paid, protocol fee to the treasury).\n`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'pm-bench-signed-'));
  const coordinator = await spawnCoordinator(['--data-dir', join(dir, 'db'), '--log-level', 'error', '--verifier-threads', String(threads)]);
  const without: RoundResult[] = [];
  const withMoney: RoundResult[] = [];
  try {
    const client = new ProofMarketClient({ baseUrl: coordinator.url });
    const signedClient = () => new ProofMarketClient({ baseUrl: coordinator.url, signer: privateKeySigner(generatePrivateKey()) });
    /** A fresh signing client for each requester and prover loop. */
    const parties = () => ({ signed: { requesters: Array.from({ length: REQUESTER_LOOPS }, signedClient), provers: Array.from({ length: PROVER_LOOPS }, signedClient) } });
    const fund = async (p: ReturnType<typeof parties>, n: number) => {
      for (const r of p.signed.requesters) await r.deposit((BigInt(REWARD) * BigInt(n)).toString());
    };
    const warm = parties();
    await fund(warm, WARMUP_TASKS);
    await marketRound(client, proofs, WARMUP_TASKS, 'uw', { reward: '0' });
    await marketRound(client, proofs, WARMUP_TASKS, 'sw', { reward: REWARD, signed: warm.signed });
    for (let r = 0; r < ROUNDS; r++) {
      without.push(await marketRound(client, proofs, TASKS, `u${r}`, { reward: '0' }));
      const p = parties();
      await fund(p, TASKS);
      withMoney.push(await marketRound(client, proofs, TASKS, `s${r}`, { reward: REWARD, signed: p.signed }));
    }
    const audit = await client.ledgerAudit();
    if (!audit.ok) throw new Error(`the ledger does not audit after the bench: ${audit.problems.join('; ')}`);
  } finally {
    await coordinator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const rows: Array<Record<string, string>> = [];
  const row = (name: string, m: RoundResult, base?: RoundResult) => ({
    run: name,
    tasks: String(m.tasks),
    s: fmt(m.seconds, 2),
    'per s': fmt(m.rate),
    'vs without': base ? ratio(m.rate, base.rate) : '1.00×',
    'submit ms': fmt(m.ms.submit, 1),
    'assign ms': fmt(m.ms.assign, 1),
    'result ms': fmt(m.ms.result, 1),
  });
  for (let r = 0; r < ROUNDS; r++) {
    rows.push(row(`round ${r + 1}: without signatures or ledger`, without[r]!));
    rows.push(row(`round ${r + 1}: signed, escrowed and settled`, withMoney[r]!, without[r]!));
  }
  const rate = (xs: RoundResult[]) => xs.reduce((s, m) => s + m.tasks, 0) / xs.reduce((s, m) => s + m.seconds, 0);
  const u = rate(without);
  const w = rate(withMoney);
  rows.push({ run: 'all rounds: without', tasks: String(ROUNDS * TASKS), s: '', 'per s': fmt(u), 'vs without': '1.00×', 'submit ms': '', 'assign ms': '', 'result ms': '' });
  rows.push({ run: 'all rounds: signed and settled', tasks: String(ROUNDS * TASKS), s: '', 'per s': fmt(w), 'vs without': ratio(w, u), 'submit ms': '', 'assign ms': '', 'result ms': '' });
  table(rows);
  console.log(`\nthe ledger audits clean after the bench.\ntarget: signed and settled ≥ 0.8× without → ${ratio(w, u)}: ${w / u >= 0.8 ? 'met' : 'NOT met'}`);
}
