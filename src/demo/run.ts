import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startCoordinator, type Coordinator } from '../coordinator/coordinator.ts';
import { ProverNode } from '../prover/node.ts';
import { ProofMarketClient } from '../sdk/client.ts';
import { loadOrCreateKey } from '../prover/state-dir.ts';
import type { TaskDetail } from '../api/index.ts';
import { progressOf, renderProgress, renderSummary, summarize, type DemoSummary } from './report.ts';
import { DEMO_ROUTES, demoProvers, demoWorkload, seededRandom } from './workload.ts';
import { renderZkml, startZkmlProver, submitModelRequests } from './zkml.ts';
import { runDemoJobs, type DemoJobs } from './jobs.ts';

export interface DemoOptions {
  requests: number;
  provers: number;
  faultyProvers: number;
  /** Probability that a faulty prover corrupts a proof. */
  faultyRate: number;
  host: string;
  port: number;
  /** The demo's store lives in `<dataDir>/db` (recreated each run); provers keep their caches in `<dataDir>/provers`. */
  dataDir: string;
  /** zkML: requests naming the shipped models, proved by a zkML prover with @ezkljs/engine (default 2). */
  modelRequests?: number;
  /** Give up waiting for the workload after this long. */
  timeoutMs: number;
  /** Where progress and the summary go. */
  out: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface RunningDemo {
  coordinator: Coordinator;
  url: string;
  provers: ProverNode[];
  summary: DemoSummary;
  /** Stops the demo's prover nodes (they report offline); the coordinator keeps serving. */
  stopProvers(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole market on one machine: a coordinator on the embedded store, prover nodes that generate real
 * proofs in worker threads, and a requester that submits a workload — all talking over HTTP through the
 * SDK, as separate parties would. Resolves when the workload is done, with everything still running.
 */
export async function runDemo(o: DemoOptions): Promise<RunningDemo> {
  const print = (line: string) => o.out.write(`${line}\n`);
  rmSync(join(o.dataDir, 'db'), { recursive: true, force: true });
  const coordinator = await startCoordinator({
    host: o.host,
    port: o.port,
    dataDir: join(o.dataDir, 'db'),
    privacyRoutes: DEMO_ROUTES,
    logLevel: 'warn',
    // The demo's provers heartbeat every second; a crashed one is noticed within half a minute, not the
    // minutes of a real market. Not less: on a loaded 2-core machine a heartbeat can wait several seconds
    // behind proving, and a live prover marked offline loses its task.
    heartbeatTimeoutMs: 30_000,
    // Every party of the demo signs its calls with its own key. The coordinator is also --open (loopback
    // only), so that the README's seed walkthrough with curl works against it unsigned, as a seed client would.
    open: true,
  });
  const url = coordinator.url!;
  const provers: ProverNode[] = [];
  let proversStopped: Promise<unknown> | undefined;
  let jobs: Promise<DemoJobs> | undefined;
  const stopProvers = async () => {
    proversStopped ??= Promise.allSettled([...provers.map((p) => p.stop({ handBack: true, timeoutMs: 5_000 })), jobs?.then((j) => j.stop())]);
    await proversStopped;
  };
  const stop = async () => {
    await stopProvers();
    await coordinator.close();
  };
  try {
    print(`coordinator   ${url}  (store: ${coordinator.db.kind}, ${join(o.dataDir, 'db')}; API docs at ${url}/docs)`);
    print(`dashboard     ${url}/`);
    print(`              dev mode (--open, loopback only): unsigned seed calls are accepted; the demo's parties all sign theirs`);
    const { names, rejected } = await startProvers(o, url, provers, print);
    const work = await submitWorkload(o, url, print);
    const zkml = await submitModelRequests(work.requester, work.requesterKey.address, o.modelRequests ?? 2);
    work.budget += zkml.deposit;
    if (zkml.models.size > 0) {
      provers.push(await startZkmlProver(url, o.dataDir, zkml));
      names.set(provers.at(-1)!.nodeId!, 'zkML Prover');
      work.ids.push(...zkml.models.keys());
      print(`zkML          ${zkml.models.size} requests naming models (${[...new Set(zkml.models.values())].join(', ')}), proved by "zkML Prover" with @ezkljs/engine\n`);
    }
    // container jobs beside the proofs, when a Docker engine answers (else one line says why not)
    jobs = runDemoJobs(url, o.dataDir).catch((err: Error) => ({ lines: [`jobs          skipped: ${err.message.split('\n')[0]}`], stop: async () => {} }));
    await awaitWorkload(o, work, rejected, print);
    const details: TaskDetail[] = [];
    for (const id of work.ids) details.push(await work.requester.getTask(id));
    const finished = Math.max(...details.flatMap((d) => d.history ?? []).map((h) => Date.parse(h.at)), work.started);
    const summary = summarize(details, names, work.started, finished);
    print(renderSummary(summary));
    print(renderZkml(zkml, details));
    await printMoney(work, provers, names, print);
    for (const line of (await jobs).lines) print(line);
    return { coordinator, url, provers, summary, stopProvers, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

type Print = (line: string) => void;

/**
 * Starts the demo's prover nodes one by one, adding each to `provers` as it starts (so a failure still stops
 * those already running). Returns their display names by node id, and how many of their proofs were rejected so far.
 */
async function startProvers(o: DemoOptions, url: string, provers: ProverNode[], print: Print): Promise<{ names: Map<string, string>; rejected: () => number }> {
  const names = new Map<string, string>();
  let rejected = 0;
  for (const [i, spec] of demoProvers(o.provers, o.faultyProvers).entries()) {
    const node = new ProverNode({
      coordinator_url: url,
      state_dir: join(o.dataDir, 'provers', `prover-${i + 1}`),
      name: spec.name,
      max_concurrent_proofs: spec.capacity,
      supported_privacy_levels: spec.levels,
      faulty_rate: spec.faulty ? o.faultyRate : 0,
      heartbeat_interval: 1,
      poll_interval: 0.2,
    });
    node.on('rejected', () => rejected++);
    await node.start();
    provers.push(node);
    names.set(node.nodeId ?? spec.name, spec.name);
    const levels = spec.levels.length ? spec.levels.join(',') : 'all';
    print(`prover        ${spec.name.padEnd(24)} capacity ${spec.capacity}  levels ${levels}${spec.faulty ? `  (corrupts ${Math.round(o.faultyRate * 100)}% of its proofs)` : ''}`);
  }
  return { names, rejected: () => rejected };
}

/** The requester's side of the demo: its key and client, what it deposited, and the tasks it submitted. */
interface SubmittedWork {
  requesterKey: ReturnType<typeof loadOrCreateKey>;
  requester: ProofMarketClient;
  budget: bigint;
  ids: string[];
  started: number;
}

/**
 * The requester signs with its own key, and deposits what its workload can cost before submitting it:
 * each task's reward is escrowed when it is made.
 */
async function submitWorkload(o: DemoOptions, url: string, print: Print): Promise<SubmittedWork> {
  const requesterKey = loadOrCreateKey(join(o.dataDir, 'requester-key.json'));
  const requester = new ProofMarketClient({ baseUrl: url, signer: requesterKey });
  const workload = demoWorkload(o.requests, seededRandom(42)).map((t) => ({ ...t, requester: requesterKey.address }));
  const budget = workload.reduce((sum, t) => sum + BigInt(t.reward_amount), 0n);
  await requester.deposit(budget.toString());
  print(`requester     ${requesterKey.address} deposited ${budget} (base units), escrowed task by task`);
  const started = Date.now();
  const ids: string[] = [];
  for (const task of workload) ids.push(await requester.submitTask(task));
  print(`requester     submitted ${ids.length} tasks over ${new Set(workload.map((w) => w.privacy_level)).size} privacy levels (every built-in program and proof system)\n`);
  return { requesterKey, requester, budget, ids, started };
}

/** Polls the submitted tasks and shows progress until all are verified or failed, or the demo times out. */
export async function awaitWorkload(o: DemoOptions, work: Pick<SubmittedWork, 'requester' | 'ids' | 'started'>, rejected: () => number, print: Print): Promise<void> {
  const { requester, ids, started } = work;
  const tty = Boolean(o.out.isTTY);
  let lastLine = '';
  let lastPrint = 0;
  for (;;) {
    const tasks = (await requester.listTasks({ limit: 1000 })).filter((t) => ids.includes(t.task_id));
    const p = progressOf(tasks, rejected());
    const done = p.verified + p.failed === ids.length;
    const line = renderProgress(p, ids.length, Date.now() - started);
    // On a terminal, redraw one line; otherwise print a line when something changed, at most every 2 s.
    if (tty) o.out.write(`\r\x1b[2K${line}`);
    else if (done || (line.replace(/\s[\d.]+ s$/, '') !== lastLine && Date.now() - lastPrint > 2_000)) {
      print(line);
      lastLine = line.replace(/\s[\d.]+ s$/, '');
      lastPrint = Date.now();
    }
    if (done) break;
    if (Date.now() - started > o.timeoutMs) {
      if (tty) o.out.write('\n');
      print(`timed out after ${o.timeoutMs / 1000} s with ${ids.length - p.verified - p.failed} tasks unfinished`);
      break;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  if (tty) o.out.write('\n');
}

/** The money, from the ledger: only verified proofs were paid; the rest of the escrow came back. */
async function printMoney(work: SubmittedWork, provers: readonly ProverNode[], names: Map<string, string>, print: Print): Promise<void> {
  const { requester, requesterKey, budget } = work;
  const left = BigInt((await requester.account(requesterKey.address)).balance);
  const earned: string[] = [];
  let earnings = 0n;
  for (const node of provers) {
    const e = BigInt((await requester.stakeOf(node.nodeId!)).earnings);
    earnings += e;
    earned.push(`${names.get(node.nodeId!) ?? node.nodeId} ${e}`);
  }
  print(`money         requester paid ${budget - left} of its ${budget} deposit (the rest refunded or unspent); provers earned ${earnings} (${earned.join(', ')}); protocol fees ${budget - left - earnings}`);
}
