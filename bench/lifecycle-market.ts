// npm run bench -- lifecycle: one market round (see bench/lifecycle.ts), tasks through a coordinator over HTTP,
// driven through the SDK by concurrent requester and prover loops.
import type { ProofMarketClient } from '../src/sdk/client.ts';
import { sized } from './support.ts';

/** Tasks per measured market round (and proofs per baseline round). */
export const TASKS = sized('LIFECYCLE_TASKS', 300);
/**
 * Tasks run through the market, and proofs through the baseline's pool, before measuring: JIT tier-up of the
 * coordinator, PGlite's wasm, the verifier threads and the load generator. With 40 market tasks and 4 baseline
 * proofs, the first measured round was usually the slowest, its coordinator using ~10-20% more CPU per task.
 */
export const WARMUP_TASKS = sized('LIFECYCLE_WARMUP', 300);
/** Measured rounds; market and baseline alternate, so drift on the shared machine hits both alike. */
export const ROUNDS = sized('LIFECYCLE_ROUNDS', 3);
export const PROVER_LOOPS = 8;
export const REQUESTER_LOOPS = 2;
/** Tasks a requester loop keeps submitted but unfinished: a steady backlog, not one burst. */
export const REQUESTER_WINDOW = 12;
/** A round that has not finished by then is stopped and reported as such. */
export const ROUND_LIMIT_MS = 60_000;

export interface BenchProof {
  data: number[];
  proof: unknown;
  publicSignals: string[];
  /** The seed API's proof bytes (encodeProof). */
  bytes: number[];
}

export const dataKey = (data: ArrayLike<number>) => Buffer.from(Uint8Array.from(data as ArrayLike<number>)).toString('hex');

export interface RoundResult {
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
 * How the parties of a round call: by default unsigned (`serve --open`), each task paying `reward`; `signed`
 * gives every requester and prover loop a client of its own that signs (requesters named by their address).
 */
export interface RoundParties {
  reward: string;
  signed?: { requesters: ProofMarketClient[]; provers: ProofMarketClient[] };
}

/** What the loops of one round share: the counts so far, the timers, and when to stop. */
interface Round {
  readonly client: ProofMarketClient;
  readonly proofs: BenchProof[];
  readonly byData: Map<string, BenchProof>;
  readonly n: number;
  readonly tag: string;
  readonly parties: RoundParties;
  /** Date.now() after which the loops stop. */
  readonly until: number;
  readonly timers: { submit: Timer; assign: Timer; result: Timer };
  /** Tasks whose result was accepted. */
  readonly done: Set<string>;
  submitted: number;
  /** Submits the coordinator has answered: those tasks are stored. */
  accepted: number;
  completed: number;
  emptyPolls: number;
  failure: Error | undefined;
  /** Requester loops waiting for a completion. */
  wake: Array<() => void>;
  /** performance.now() of the last completion. */
  finished: number;
}

/**
 * `n` tasks through the market: REQUESTER_LOOPS loops submit them (each keeps at most REQUESTER_WINDOW
 * unfinished), PROVER_LOOPS provers (capacity 1) poll, and answer each task with the proof made for its data.
 * Timed from the first submit to the last accepted result (a Pass moves the task to completed before the
 * response is sent).
 */
export async function marketRound(client: ProofMarketClient, proofs: BenchProof[], n: number, tag: string, parties: RoundParties = { reward: '1' }): Promise<RoundResult> {
  const byData = new Map(proofs.map((p) => [dataKey(p.data), p]));
  const proverClient = (i: number) => parties.signed?.provers[i] ?? client;
  const proverIds = await Promise.all(
    Array.from({ length: PROVER_LOOPS }, (_, i) => proverClient(i).registerProver({ prover_id: `bench-${tag}-prover-${i}`, supported_levels: [1], capacity: 1 })),
  );
  const timers = { submit: new Timer(), assign: new Timer(), result: new Timer() };
  const until = Date.now() + ROUND_LIMIT_MS;
  const started = performance.now();
  const round: Round = { client, proofs, byData, n, tag, parties, until, timers, done: new Set(), submitted: 0, accepted: 0, completed: 0, emptyPolls: 0, failure: undefined, wake: [], finished: started };

  const guard = (p: Promise<unknown>) =>
    p.catch((err: Error) => {
      round.failure ??= err;
      for (const f of round.wake.splice(0)) f();
    });
  await Promise.all([
    ...Array.from({ length: REQUESTER_LOOPS }, (_, r) => guard(requesterLoop(round, r))),
    ...proverIds.map((id, i) => guard(proverLoop(round, id, proverClient(i)))),
  ]);
  if (round.failure) throw round.failure;
  const { completed } = round;
  if (completed < n) throw new Error(`only ${completed} of ${n} tasks completed within ${ROUND_LIMIT_MS / 1000} s`);
  const seconds = (round.finished - started) / 1000;
  return { tasks: completed, seconds, rate: completed / seconds, ms: { submit: timers.submit.mean, assign: timers.assign.mean, result: timers.result.mean }, emptyPolls: round.emptyPolls };
}

const stopped = (round: Round) => round.failure !== undefined || Date.now() > round.until;

/** A requester loop: submits the round's next task, keeping at most REQUESTER_WINDOW of its own unfinished. */
async function requesterLoop(round: Round, r: number): Promise<void> {
  const { proofs, n, tag, parties, timers, done } = round;
  const outstanding = new Set<string>();
  while (round.submitted < n && !stopped(round)) {
    if (outstanding.size >= REQUESTER_WINDOW) {
      // Woken by the next completion (or after a while, so a stalled round still ends at its time limit).
      await new Promise<void>((res) => {
        round.wake.push(res);
        setTimeout(res, 100);
      });
      for (const id of outstanding) if (done.has(id)) outstanding.delete(id);
      continue;
    }
    const i = round.submitted++;
    const p = proofs[i % proofs.length]!;
    const as = parties.signed?.requesters[r] ?? round.client;
    const id = await timers.submit.time(() =>
      as.submitTask({ task_id: `bench-${tag}-${i}`, privacy_level: 1, circuit_data: p.data, reward_amount: parties.reward, requester: as.address ?? `bench-requester-${r}` }),
    );
    round.accepted++;
    outstanding.add(id);
  }
}

/** A prover loop (capacity 1): polls for a task and answers it with the proof made for its data. */
async function proverLoop(round: Round, proverId: string, as: ProofMarketClient): Promise<void> {
  const { n, timers } = round;
  while (round.completed < n && !stopped(round)) {
    const allStored = round.accepted >= n;
    const task = await timers.assign.time(() => as.assignTask(proverId));
    if (!task) {
      round.emptyPolls++;
      // Polled after every task of the round was stored, and none was pending (valid proofs are never rejected,
      // so none comes back): this loop has nothing left to take. Polling on at 1 ms while the last results
      // verify would only spin (a prover node naps poll_interval, 0.5 s, after an empty poll).
      if (allStored) break;
      await sleep(1);
      continue;
    }
    const p = round.byData.get(dataKey(task.circuit_data));
    if (!p) throw new Error(`task ${task.task_id} carries data no proof was made for`);
    const res = await timers.result.time(() => as.submitResult({ task_id: task.task_id, prover_id: proverId, proof: p.bytes }));
    if (!res.accepted) throw new Error(`the market rejected a valid proof for ${task.task_id}: ${res.reason}`);
    round.done.add(task.task_id);
    round.completed++;
    round.finished = performance.now();
    const w = round.wake;
    round.wake = [];
    for (const f of w) f();
  }
}

/** After the clock stops: every task of the round is completed, through exactly submitted → assigned → completed. */
export async function checkRound(client: ProofMarketClient, tag: string, n: number): Promise<void> {
  for (let i = 0; i < n; i += 20) {
    const batch = Array.from({ length: Math.min(20, n - i) }, (_, j) => client.taskStatus(`bench-${tag}-${i + j}`));
    for (const s of await Promise.all(batch)) {
      const path = (s.history ?? []).map((h) => h.to).join('→');
      if (s.status !== 'completed' || path !== 'pending→assigned→completed') throw new Error(`task ${s.task_id} is ${s.status} (${path})`);
    }
  }
}
