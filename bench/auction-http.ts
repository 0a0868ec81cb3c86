// npm run bench -- auction, part 2 (see bench/auction.ts): fixed auctions over HTTP against the seed pull path.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProofMarketClient, ProofMarketError } from '../src/sdk/client.ts';
import { spawnCoordinator } from '../test/support/process.ts';
import { fmt, ratio, sized, table } from './support.ts';
import { percentile, progress } from './auction-support.ts';

const HTTP_REQUESTS = sized('AUCTION_HTTP_REQUESTS', 1_000);
const HTTP_PROVERS = 20;
/** Every run stops when all its requests are assigned, or after this long. */
const HTTP_LIMIT_MS = 120_000;
/** Concurrent requester loops submitting the requests. */
const SUBMITTERS = 8;
/** An auction prover lists again after this many refused takes in a row (its listing is stale). */
const RELIST_AFTER_REFUSALS = 3;
const HTTP_MAX_PRICE = '1000';
const BID_WINDOW_MS = 60_000;

type Path = 'seed' | 'auction';
type Mode = 'backlog' | 'live';

interface HttpRun {
  path: Path;
  mode: Mode;
  submitted: number;
  assigned: number;
  /** Seconds from the first submit to the last answered submit. */
  submitS: number;
  /** Seconds the assignments took: from the provers' start (backlog) or the first submit (live) to the last assignment. */
  assignS: number;
  rate: number;
  /** Request created (its POST returned) → assignment (the take or poll that got it returned), ms. */
  p50: number;
  p99: number;
  /** Round trip of the request that got the assignment (a winning take, a poll with a task), ms. */
  winP99: number;
  /** Refused takes by code (auction) or empty polls (seed). */
  misses: Record<string, number>;
  /** auction: listings made, their median round trip (ms), and the most open auctions of this run one listing showed. */
  listings: number;
  listP50: number;
  maxOpen: number;
  /** Assignments that returned before their request's POST did (counted as 0 ms). */
  early: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the loops of one HTTP run share: the requests created and assigned so far, the misses, and when to stop. */
interface RunLog {
  readonly client: ProofMarketClient;
  readonly path: Path;
  readonly programId: string;
  readonly tag: string;
  /** Every id of this run starts with it, so runs against the same coordinator keep apart. */
  readonly prefix: string;
  /** performance.now() after which the loops stop. */
  readonly until: number;
  readonly created: Map<string, number>;
  readonly assignedAt: Map<string, number>;
  readonly winner: Map<string, string>;
  readonly winMs: number[];
  readonly misses: Record<string, number>;
  readonly listMs: number[];
  maxOpen: number;
  /** The index of the next request to submit. */
  next: number;
  /** The first error of any loop; it stops them all. */
  failure: unknown;
}

/**
 * One run of HTTP_REQUESTS requests and HTTP_PROVERS prover loops. `backlog`: all requests are submitted first
 * (so HTTP_REQUESTS auctions are open at once), then the provers start. `live`: the provers run while the
 * requests are being submitted.
 */
async function httpRun(client: ProofMarketClient, path: Path, mode: Mode, programId: string, tag: string): Promise<HttpRun> {
  const prefix = `bench-auction-${tag}-`;
  const proverIds = await Promise.all(
    Array.from({ length: HTTP_PROVERS }, (_, i) =>
      client.registerProver({ prover_id: `${prefix}prover-${i}`, supported_levels: [1], capacity: HTTP_REQUESTS, backends: ['groth16'] }),
    ),
  );
  const run: RunLog = {
    client,
    path,
    programId,
    tag,
    prefix,
    until: performance.now() + HTTP_LIMIT_MS,
    created: new Map(),
    assignedAt: new Map(),
    winner: new Map(),
    winMs: [],
    misses: {},
    listMs: [],
    maxOpen: 0,
    next: 0,
    failure: undefined,
  };
  const guard = (p: Promise<unknown>) => p.catch((err: unknown) => (run.failure ??= err));
  const submitLoops = () => Promise.all(Array.from({ length: SUBMITTERS }, () => guard(submitter(run))));
  const proverLoops = () => Promise.all(proverIds.map((id, k) => guard(path === 'auction' ? auctionProver(run, id, k) : seedProver(run, id))));

  const t0 = performance.now();
  let proversFrom: number;
  if (mode === 'backlog') {
    await submitLoops();
    proversFrom = performance.now();
    await proverLoops();
  } else {
    proversFrom = t0;
    await Promise.all([submitLoops(), proverLoops()]);
  }
  if (run.failure !== undefined) throw run.failure;
  await checkHolders(run);
  return summarizeRun(run, mode, t0, proversFrom);
}

const stopped = (run: RunLog) => run.failure !== undefined || performance.now() > run.until || run.assignedAt.size >= HTTP_REQUESTS;
const miss = (run: RunLog, code: string) => (run.misses[code] = (run.misses[code] ?? 0) + 1);

function won(run: RunLog, id: string, proverId: string, sent: number): void {
  const now = performance.now();
  if (run.assignedAt.has(id)) throw new Error(`${id} was assigned twice`);
  run.assignedAt.set(id, now);
  run.winner.set(id, proverId);
  run.winMs.push(now - sent);
}

/** A requester loop: submits the run's next request (an auction or a seed task) until all are submitted. */
async function submitter(run: RunLog): Promise<void> {
  const { client, prefix, tag } = run;
  while (run.next < HTTP_REQUESTS && run.failure === undefined && performance.now() <= run.until) {
    const i = run.next++;
    const id = `${prefix}${i}`;
    const bytes = [(i >> 8) & 255, i & 255, tag.length, 42];
    if (run.path === 'auction') {
      await client.submitRequest({
        request_id: id,
        requester: 'bench-auction',
        program_id: run.programId,
        input: Buffer.from(bytes).toString('base64'),
        backend: 'groth16',
        max_price: HTTP_MAX_PRICE,
        auction: { mechanism: 'fixed', bid_window_ms: BID_WINDOW_MS },
      });
    } else {
      await client.submitTask({ task_id: id, privacy_level: 1, circuit_data: bytes, reward_amount: HTTP_MAX_PRICE, requester: 'bench-auction' });
    }
    run.created.set(id, performance.now());
  }
}

/** A prover loop on the seed path: polls for a task until the run stops. */
async function seedProver(run: RunLog, proverId: string): Promise<void> {
  while (!stopped(run)) {
    const sent = performance.now();
    const task = await run.client.assignTask(proverId);
    if (task === null) {
      miss(run, 'empty poll');
      await sleep(2);
    } else if (task.task_id.startsWith(run.prefix)) won(run, task.task_id, proverId, sent);
    else miss(run, 'other run’s task');
  }
}

/** A prover loop on the auction path: lists the open auctions, then takes them until too many takes are refused. */
async function auctionProver(run: RunLog, proverId: string, k: number): Promise<void> {
  const { client, prefix } = run;
  while (!stopped(run)) {
    const sent = performance.now();
    const open = (await client.listAuctions({ state: 'open', backend: 'groth16' })).filter(
      (a) => a.request_id.startsWith(prefix) && a.mechanism === 'fixed' && a.phase === 'bidding',
    );
    run.listMs.push(performance.now() - sent);
    run.maxOpen = Math.max(run.maxOpen, open.length);
    if (open.length === 0) {
      await sleep(2);
      continue;
    }
    // provers start at evenly spread points of the listing, so they do not all race for the oldest one
    const start = Math.floor((k * open.length) / HTTP_PROVERS);
    let refusedInARow = 0;
    for (let j = 0; j < open.length && !stopped(run) && refusedInARow < RELIST_AFTER_REFUSALS; j++) {
      const id = open[(start + j) % open.length]!.request_id;
      const sent = performance.now();
      try {
        const r = await client.bid(id, { prover_id: proverId, fee: HTTP_MAX_PRICE });
        if (!r.assigned) throw new Error(`a fixed take of ${id} was accepted without an assignment`);
        won(run, id, proverId, sent);
        refusedInARow = 0;
      } catch (err) {
        if (!(err instanceof ProofMarketError) || err.status !== 409) throw err;
        miss(run, err.code);
        refusedInARow++;
        if (err.code === 'capacity_full') throw new Error(`${proverId} is full: raise the provers' capacity`);
      }
    }
  }
}

/** After the clock: the coordinator agrees on who holds a sample of the requests. */
async function checkHolders(run: RunLog): Promise<void> {
  const { client, winner } = run;
  const sample = [...winner].filter((_, i) => i % Math.max(1, Math.floor(winner.size / 20)) === 0);
  for (const [id, proverId] of sample) {
    const holder = run.path === 'auction' ? (await client.getRequest(id)).assigned_prover : (await client.taskStatus(id)).assigned_prover;
    if (holder !== proverId) throw new Error(`${id} was won by ${proverId}, but the coordinator says it is assigned to ${holder}`);
  }
}

function summarizeRun(run: RunLog, mode: Mode, t0: number, proversFrom: number): HttpRun {
  const { created, assignedAt } = run;
  const lastSubmit = Math.max(t0, ...created.values());
  const lastAssign = Math.max(proversFrom, ...assignedAt.values());
  let early = 0;
  const latencies = [...assignedAt].map(([id, at]) => {
    const c = created.get(id);
    if (c === undefined || at < c) {
      early++;
      return 0;
    }
    return at - c;
  });
  const assignS = (lastAssign - proversFrom) / 1000;
  return {
    path: run.path,
    mode,
    submitted: created.size,
    assigned: assignedAt.size,
    submitS: (lastSubmit - t0) / 1000,
    assignS,
    rate: assignS > 0 ? assignedAt.size / assignS : 0,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    winP99: percentile(run.winMs, 99),
    misses: run.misses,
    listings: run.listMs.length,
    listP50: percentile(run.listMs, 50),
    maxOpen: run.maxOpen,
    early,
  };
}

/** The market routes part 2 needs, probed with harmless requests; the missing ones, if any. */
async function missingRoutes(client: ProofMarketClient): Promise<string[]> {
  const missing: string[] = [];
  const probe = async (name: string, call: () => Promise<unknown>) => {
    try {
      await call();
    } catch (err) {
      if (err instanceof ProofMarketError && err.code === 'route_not_found') missing.push(name);
      else if (!(err instanceof ProofMarketError)) throw err;
      // any other answer (400 for the empty body, 404 for the unknown auction) means the route exists
    }
  };
  await probe('GET /v1/auctions', () => client.listAuctions({ state: 'open', backend: 'groth16' }));
  await probe('POST /v1/requests', () => client.submitRequest({} as never));
  await probe('POST /v1/auctions/:request_id/bids', () => client.bid('bench-auction-probe', {} as never));
  return missing;
}

/** Part 2 against a running coordinator. Exported so it can be pointed at any coordinator on loopback. */
export async function httpFigures(baseUrl: string): Promise<Record<string, number>> {
  const url = new URL(baseUrl);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error('the auction bench targets loopback only');
  const client = new ProofMarketClient({ baseUrl });
  const missing = await missingRoutes(client);
  if (missing.length) {
    console.log(`skipped: coordinator has no /v1/auctions (the market routes are not there yet: ${missing.join(', ')} answer route_not_found)`);
    return {};
  }
  const program = (await client.listPrograms()).find((p) => p.name === 'data-commitment' && p.proof_system === 'groth16');
  if (!program) throw new Error('the built-in data-commitment/groth16 program is missing');

  const runs: HttpRun[] = [];
  for (const mode of ['backlog', 'live'] as const) {
    for (const path of ['seed', 'auction'] as const) {
      progress(`HTTP: ${path}, ${mode}`);
      runs.push(await httpRun(client, path, mode, program.program_id, `${mode}-${path}`));
    }
  }
  const rows: Array<Record<string, string>> = [];
  for (const r of runs) {
    const base = runs.find((b) => b.mode === r.mode && b.path === 'seed')!;
    const isBase = r === base;
    const misses = Object.entries(r.misses).map(([k, v]) => `${v} ${k}`).join(', ') || '—';
    rows.push({
      run: `${r.mode}: ${r.path === 'seed' ? 'seed pull, POST /tasks + GET /tasks/assign (baseline)' : 'fixed auctions, POST /v1/requests + list + take'}`,
      assigned: `${r.assigned}/${HTTP_REQUESTS}`,
      'submit s': fmt(r.submitS, 2),
      'assign s': fmt(r.assignS, 2),
      'cleared/s': fmt(r.rate, 0),
      'vs baseline': isBase ? '1.00×' : ratio(r.rate, base.rate),
      'p50 ms': fmt(r.p50, 0),
      'p99 ms': fmt(r.p99, 0),
      'p99 vs baseline': isBase ? '1.00×' : ratio(r.p99, base.p99),
      'win p99 ms': fmt(r.winP99, 1),
      misses,
    });
  }
  table(rows);
  const auctionRuns = runs.filter((r) => r.path === 'auction');
  console.log(
    `\np50/p99: from the request's creation (its POST returned) to its assignment (the winning take, or the poll that got the task, returned).\n` +
      `backlog: all ${HTTP_REQUESTS.toLocaleString('en-US')} requests first (all open at once), then the ${HTTP_PROVERS} provers:\n` +
      `  cleared/s over the provers' time, and the latency includes the wait in the backlog. live: provers run while ${SUBMITTERS} loops submit,\n` +
      `  cleared/s over the whole run (so at most the submit rate). Win p99: the round trip of the request that got the assignment.\n` +
      `Auction provers list GET /v1/auctions?state=open&backend=groth16 (${auctionRuns.map((r) => `${r.mode}: ${r.listings} listings, p50 ${fmt(r.listP50, 0)} ms, up to ${r.maxOpen} of this run's auctions in one`).join('; ')};\n` +
      `  the route's default limit, oldest first), take from evenly spread points of the listing, and list again after\n` +
      `  ${RELIST_AFTER_REFUSALS} refused takes in a row (a 409: someone else won).` +
      (runs.some((r) => r.early) ? ` ${runs.reduce((s, r) => s + r.early, 0)} assignment(s) returned before their POST did (counted as 0 ms).` : ''),
  );
  for (const r of runs) if (r.assigned < HTTP_REQUESTS) console.log(`incomplete: ${r.mode} ${r.path}: ${r.assigned} of ${HTTP_REQUESTS} assigned within ${HTTP_LIMIT_MS / 1000} s`);
  const fixedP99 = auctionRuns.map((r) => `${fmt(r.p99, 0)} ms ${r.mode}`).join(', ');
  const fixedRate = auctionRuns.map((r) => `${fmt(r.rate, 0)}/s ${r.mode}`).join(', ');
  console.log(`\nfixed auctions: ${fixedRate} cleared; p99 request → assignment ${fixedP99}.`);
  return Object.fromEntries(runs.flatMap((r) => [[`${r.mode}_${r.path}_per_s`, Math.round(r.rate)], [`${r.mode}_${r.path}_p99_ms`, Math.round(r.p99)]]));
}

export async function httpBench(): Promise<Record<string, number>> {
  console.log(
    `\n## auction — over HTTP: ${HTTP_REQUESTS.toLocaleString('en-US')} fixed auctions (bid window ${BID_WINDOW_MS / 1000} s), ${HTTP_PROVERS} prover loops, ` +
      `\`proofmarket serve\` (embedded PGlite) as a child process\n`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'pm-bench-auction-'));
  const coordinator = await spawnCoordinator(['--host', '127.0.0.1', '--data-dir', join(dir, 'db'), '--log-level', 'error', '--heartbeat-timeout', '600']);
  try {
    return await httpFigures(coordinator.url);
  } finally {
    await coordinator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
