// npm run bench -- auction   (issue #4 §10)
// 1. The engine alone (src/domain/market, pure): the time to apply 10,000 bids from 10,000 distinct eligible
//    provers to one auction and close it, per mechanism, against a plain Array.prototype.sort of the same
//    10,000 bids by fee measured in the same run; and how that time grows from 1,000 to 10,000 bids.
// 2. Over HTTP: 1,000 open `fixed` auctions and 20 prover loops that find them with GET /v1/auctions and take
//    them with POST /v1/auctions/:id/bids, against `proofmarket serve` as a child process: auctions cleared
//    per second and p99 time from request to assignment, against the seed pull path (POST /tasks, then
//    GET /tasks/assign/:prover_id) measured in the same run with the same numbers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  applyBid,
  applyCommit,
  applyLock,
  applyReveal,
  closeAuction,
  openAuction,
  sealedCommitment,
  type AuctionExplanation,
  type AuctionSpec,
  type AuctionState,
  type Mechanism,
  type ProverProfile,
  type RequestTerms,
} from '../src/domain/market/index.ts';
import { ProofMarketClient, ProofMarketError } from '../src/sdk/client.ts';
import { spawnCoordinator } from '../test/support/process.ts';
import { fmt, ratio, table } from './support.ts';
import { seededRandom } from '../src/demo/workload.ts';

// ── 1. the engine alone ──────────────────────────────────────────────────────────────────────────

/** Bids per auction in the headline figures. */
const N = 10_000;
/** Smaller auctions measured once each, to show how the cost per bid grows with the number of bids. */
const SCALING_SIZES = [1_000, 5_000] as const;
/** One discarded run per mechanism at this size before anything is measured (JIT). */
const WARMUP_N = 1_000;
/** Measured rounds at N per mechanism (the median is reported), as many as fit in ROUND_BUDGET_MS, at least 1. */
const ROUNDS = 5;
const ROUND_BUDGET_MS = 30_000;
/** Sorts per baseline sample (the median is the sample). */
const SORTS_PER_SAMPLE = 5;
const MAX_PRICE = 1_000_000n;
const RISING_MIN_PRICE = 1_000n;
const HOUR = 3_600_000;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const MECHANISMS: readonly Mechanism[] = ['fixed', 'weighted', 'sealed', 'rising'];


interface PlainBid {
  prover_id: string;
  fee: bigint;
  at: Date;
}

/** Everything the bidders bring, built before any clock starts. */
interface Field {
  n: number;
  provers: ProverProfile[];
  byId: Map<string, ProverProfile>;
  /** Bid i: prover i's fee, at T0 + i ms (arrival order = index order). */
  bids: PlainBid[];
  /** Reveal i at the start of the reveal phase + i ms. */
  revealAt: Date[];
  nonces: string[];
  /** sealedCommitment of bid i for the sealed auction's request id (the provers' work, not the engine's). */
  commitments: string[];
}

const requestId = (m: Mechanism, n: number) => `bench-auction-${m}-${n}`;

function makeField(n: number): Field {
  const rnd = seededRandom(0x5eed + n);
  const provers: ProverProfile[] = [];
  const bids: PlainBid[] = [];
  const revealAt: Date[] = [];
  const nonces: string[] = [];
  for (let i = 0; i < n; i++) {
    const prover_id = `bench-prover-${i}`;
    // all eligible: active, groth16, every privacy level, free capacity; reputations spread over 0..5 stars,
    // every tenth without history (neutral 2.5 stars); min_reputation is 0
    provers.push({
      prover_id,
      backends: ['groth16'],
      privacy_levels: [],
      capacity: 4,
      active_tasks: 0,
      reputation: i % 10 === 0 ? null : Math.round(rnd() * 500) / 100,
      status: 'active',
    });
    bids.push({ prover_id, fee: 1n + BigInt(Math.floor(rnd() * Number(MAX_PRICE))), at: new Date(T0 + i) });
    revealAt.push(new Date(T0 + HOUR + i));
    nonces.push(Array.from({ length: 4 }, () => Math.floor(rnd() * 2 ** 32).toString(16).padStart(8, '0')).join(''));
  }
  const commitments = bids.map((b, i) => sealedCommitment({ request_id: requestId('sealed', n), prover_id: b.prover_id, fee: b.fee, nonce: nonces[i]! }));
  return { n, provers, byId: new Map(provers.map((p) => [p.prover_id, p])), bids, revealAt, nonces, commitments };
}

function specOf(m: Mechanism): AuctionSpec {
  switch (m) {
    case 'fixed':
      return { mechanism: 'fixed', bid_window_ms: HOUR };
    case 'weighted':
      return { mechanism: 'weighted', bid_window_ms: HOUR };
    case 'sealed':
      return { mechanism: 'sealed', bid_window_ms: HOUR, reveal_window_ms: HOUR };
    case 'rising':
      return { mechanism: 'rising', bid_window_ms: HOUR, min_price: RISING_MIN_PRICE, ramp_start_ms: 0, ramp_period_ms: HOUR, lock_timeout_ms: 2 * HOUR };
  }
}

interface EngineRun {
  /** openAuction and every action (for sealed: commits then reveals). */
  applyMs: number;
  /** sealed only: the commit and reveal parts of applyMs. */
  commitMs: number | null;
  revealMs: number | null;
  closeMs: number;
}

/**
 * One auction of `f.n` bids through the engine, timed; then checked against an independent computation
 * (outside the clock), so a fast but wrong engine cannot pass.
 */
function runEngine(m: Mechanism, f: Field): EngineRun {
  const terms: RequestTerms = { request_id: requestId(m, f.n), backend: 'groth16', privacy_level: 1, max_price: MAX_PRICE, min_reputation: 0, auction: specOf(m) };
  const { provers, bids, n } = f;
  const lookup = (id: string) => f.byId.get(id);
  let s: AuctionState;
  let commitMs: number | null = null;
  let revealMs: number | null = null;
  let closeAt: Date;
  const t0 = performance.now();
  s = openAuction(terms, new Date(T0));
  switch (m) {
    case 'fixed':
    case 'weighted':
      for (let i = 0; i < n; i++) s = applyBid(s, { prover: provers[i]!, fee: bids[i]!.fee }, bids[i]!.at).state;
      closeAt = m === 'fixed' ? new Date(T0 + n) : s.bidding_ends_at;
      break;
    case 'sealed': {
      for (let i = 0; i < n; i++) s = applyCommit(s, { prover: provers[i]!, commitment: f.commitments[i]! }, bids[i]!.at).state;
      const t1 = performance.now();
      commitMs = t1 - t0;
      for (let i = 0; i < n; i++) s = applyReveal(s, { prover: provers[i]!, fee: bids[i]!.fee, nonce: f.nonces[i]! }, f.revealAt[i]!).state;
      revealMs = performance.now() - t1;
      closeAt = s.reveal_ends_at!;
      break;
    }
    case 'rising':
      for (let i = 0; i < n; i++) s = applyLock(s, { prover: provers[i]! }, bids[i]!.at).state;
      closeAt = new Date(T0 + n);
      break;
  }
  const t2 = performance.now();
  // weighted and sealed collect bids over a window: close with a lookup, as the coordinator must
  const { explanation } = m === 'weighted' || m === 'sealed' ? closeAuction(s, closeAt, lookup) : closeAuction(s, closeAt);
  const t3 = performance.now();
  checkRun(m, f, s, explanation);
  return { applyMs: t2 - t0, commitMs, revealMs, closeMs: t3 - t2 };
}

function checkRun(m: Mechanism, f: Field, s: AuctionState, x: AuctionExplanation): void {
  const fail = (what: string) => {
    throw new Error(`auction bench: ${m} with ${f.n} bids: ${what}`);
  };
  const o = x.outcome;
  if (o.kind !== 'won') return fail(`no winner (${o.why})`);
  const refusedWith = (reason: string) => s.entries.slice(1).every((e) => !e.accepted && e.reason === reason);
  switch (m) {
    case 'fixed':
      if (o.prover_id !== f.bids[0]!.prover_id || o.price !== MAX_PRICE) fail(`the first take should win at max_price, got ${o.prover_id} at ${o.price}`);
      if (s.entries.length !== f.n || !refusedWith('phase_closed')) fail('the takes after the first should all be refused with phase_closed');
      break;
    case 'rising':
      if (o.prover_id !== f.bids[0]!.prover_id || o.price !== RISING_MIN_PRICE) fail(`the first lock should win at min_price, got ${o.prover_id} at ${o.price}`);
      if (s.entries.length !== f.n || !refusedWith('lock_held')) fail('the locks after the first should all be refused with lock_held');
      break;
    case 'weighted': {
      // the rule written out again: highest score, ties to the earlier bid
      let best = -1;
      let bestScore = -Infinity;
      for (let i = 0; i < f.n; i++) {
        const score = 0.7 * (1 - Number(f.bids[i]!.fee) / Number(MAX_PRICE)) + 0.3 * ((f.provers[i]!.reputation ?? 2.5) / 5);
        if (score > bestScore) [best, bestScore] = [i, score];
      }
      if (o.prover_id !== f.bids[best]!.prover_id || o.price !== f.bids[best]!.fee) fail(`expected ${f.bids[best]!.prover_id} at its fee, got ${o.prover_id} at ${o.price}`);
      break;
    }
    case 'sealed': {
      // the baseline's own answer: a stable sort by fee (index order is reveal order), lowest wins, second price
      const sorted = f.bids.slice().sort(byFee);
      if (s.entries.length !== 2 * f.n || !s.entries.every((e) => e.accepted)) fail('every commit and reveal should be accepted');
      if (o.prover_id !== sorted[0]!.prover_id || o.price !== sorted[1]!.fee) fail(`expected ${sorted[0]!.prover_id} at ${sorted[1]!.fee}, got ${o.prover_id} at ${o.price}`);
      break;
    }
  }
}

const byFee = (a: PlainBid, b: PlainBid) => (a.fee < b.fee ? -1 : a.fee > b.fee ? 1 : 0);

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest rank: the smallest value with at least p% of the values at or below it. */
function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]!;
}

/** The baseline: Array.prototype.sort of the same bids by fee (bigint compare), on a fresh copy each time. */
function sortMs(bids: readonly PlainBid[]): number {
  const samples: number[] = [];
  for (let k = 0; k < SORTS_PER_SAMPLE; k++) {
    const copy = bids.slice();
    const t = performance.now();
    copy.sort(byFee);
    samples.push(performance.now() - t);
  }
  return median(samples);
}

const progress = (s: string) => process.stderr.write(`  … ${s}\n`);

async function engineBench(): Promise<void> {
  console.log(`\n## auction — the engine alone (src/domain/market): ${N.toLocaleString('en-US')} bids from ${N.toLocaleString('en-US')} distinct eligible provers per auction\n`);
  console.log(
    `baseline: Array.prototype.sort of the same ${N.toLocaleString('en-US')} bids by fee (bigint compare), median of ${SORTS_PER_SAMPLE} sorts per sample, sampled before every round.\n` +
      `fixed:    ${N.toLocaleString('en-US')} takes (applyBid); the first wins at once, the other ${(N - 1).toLocaleString('en-US')} are refused with phase_closed (and recorded).\n` +
      `weighted: ${N.toLocaleString('en-US')} bids (applyBid), closed with a profile lookup (the re-check at close).\n` +
      `sealed:   ${N.toLocaleString('en-US')} commitments (applyCommit; the sha256 commitments were computed beforehand, by the "provers"), then\n` +
      `          ${N.toLocaleString('en-US')} reveals (applyReveal, which hashes each one to check it), closed with a profile lookup.\n` +
      `rising:   ${N.toLocaleString('en-US')} lock attempts (applyLock); the first locks at min_price, the other ${(N - 1).toLocaleString('en-US')} are refused with lock_held.\n` +
      `apply = openAuction + every action; close = closeAuction. Every run's winner and price are checked against an independent\n` +
      `computation. Up to ${ROUNDS} rounds per mechanism (median), as many as fit in ${ROUND_BUDGET_MS / 1000} s, after one warm-up auction of ${WARMUP_N.toLocaleString('en-US')} bids.\n`,
  );
  const big = makeField(N);
  const small = new Map<number, Field>(SCALING_SIZES.map((n) => [n, makeField(n)]));
  const warm = small.get(WARMUP_N) ?? makeField(WARMUP_N);
  for (let k = 0; k < 3; k++) sortMs(big.bids); // warm the baseline

  const headline: Array<{ m: Mechanism; runs: EngineRun[]; sorts: number[] }> = [];
  const scaling: Array<{ m: Mechanism; n: number; run: EngineRun; sort: number }> = [];
  for (const m of MECHANISMS) {
    progress(`${m}: warm-up, then ${SCALING_SIZES.join(', ')} and ${N} bids`);
    runEngine(m, warm);
    for (const n of SCALING_SIZES) {
      const f = small.get(n)!;
      const sort = sortMs(f.bids);
      scaling.push({ m, n, run: runEngine(m, f), sort });
    }
    const runs: EngineRun[] = [];
    const sorts: number[] = [];
    const started = performance.now();
    for (;;) {
      sorts.push(sortMs(big.bids));
      const t = performance.now();
      runs.push(runEngine(m, big));
      const last = performance.now() - t;
      progress(`${m}: round ${runs.length} at ${N} bids took ${fmt(last / 1000, 1)} s`);
      if (runs.length >= ROUNDS || performance.now() - started + last > ROUND_BUDGET_MS) break;
    }
    headline.push({ m, runs, sorts });
    scaling.push({ m, n: N, run: { applyMs: median(runs.map((r) => r.applyMs)), commitMs: null, revealMs: null, closeMs: median(runs.map((r) => r.closeMs)) }, sort: median(sorts) });
  }

  const allSorts = headline.flatMap((h) => h.sorts);
  const sortBase = median(allSorts);
  const rows: Array<Record<string, string>> = [
    { mechanism: 'baseline: Array.prototype.sort by fee', actions: N.toLocaleString('en-US'), rounds: String(allSorts.length), 'apply ms': '—', 'close ms': '—', 'total ms': fmt(sortBase, 2), 'vs sort': '1.00×' },
  ];
  for (const h of headline) {
    const apply = median(h.runs.map((r) => r.applyMs));
    const close = median(h.runs.map((r) => r.closeMs));
    const total = median(h.runs.map((r) => r.applyMs + r.closeMs));
    rows.push({
      mechanism: h.m,
      actions: (h.m === 'sealed' ? 2 * N : N).toLocaleString('en-US'),
      rounds: String(h.runs.length),
      'apply ms': fmt(apply, 1),
      'close ms': fmt(close, 1),
      'total ms': fmt(total, 1),
      'vs sort': ratio(total, sortBase),
    });
  }
  table(rows);
  const sealed = headline.find((h) => h.m === 'sealed')!;
  console.log(
    `(sealed apply = commits ${fmt(median(sealed.runs.map((r) => r.commitMs!)), 1)} ms + reveals ${fmt(median(sealed.runs.map((r) => r.revealMs!)), 1)} ms; ` +
      `rounds below ${ROUNDS} mean a round took too long to repeat within ${ROUND_BUDGET_MS / 1000} s.)`,
  );

  console.log(`\n### growth with the number of bids (one auction per size; ${N.toLocaleString('en-US')}: the medians above)\n`);
  const scaleRows: Array<Record<string, string>> = [];
  const perBidAt = new Map<string, number>();
  for (const m of MECHANISMS) {
    for (const x of scaling.filter((s) => s.m === m).sort((a, b) => a.n - b.n)) {
      const total = x.run.applyMs + x.run.closeMs;
      const perBid = (1000 * total) / x.n;
      perBidAt.set(`${m}/${x.n}`, perBid);
      const first = perBidAt.get(`${m}/${SCALING_SIZES[0]}`)!;
      scaleRows.push({
        mechanism: m,
        bids: x.n.toLocaleString('en-US'),
        'apply ms': fmt(x.run.applyMs, 1),
        'close ms': fmt(x.run.closeMs, 1),
        'total ms': fmt(total, 1),
        'µs per bid': fmt(perBid, 2),
        [`per bid vs ${SCALING_SIZES[0].toLocaleString('en-US')}`]: ratio(perBid, first),
        'sort ms': fmt(x.sort, 2),
        'vs sort': ratio(total, x.sort),
      });
    }
  }
  table(scaleRows);
  const grow = N / SCALING_SIZES[0];
  console.log(
    `\nA linear engine keeps the cost per bid flat (≈1×) as the auction grows ${grow}×; a sort's n·log n grows it ≈${fmt(Math.log(N) / Math.log(SCALING_SIZES[0]), 2)}×;\n` +
      `work quadratic in the number of bids grows it ≈${grow}×.`,
  );
  for (const m of MECHANISMS) {
    const g = perBidAt.get(`${m}/${N}`)! / perBidAt.get(`${m}/${SCALING_SIZES[0]}`)!;
    if (g >= 3) console.log(`superlinear: ${m}: the cost per bid grows ${fmt(g, 1)}× from ${SCALING_SIZES[0].toLocaleString('en-US')} to ${N.toLocaleString('en-US')} bids.`);
  }
}

// ── 2. over HTTP ─────────────────────────────────────────────────────────────────────────────────

const HTTP_REQUESTS = 1_000;
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
  const created = new Map<string, number>();
  const assignedAt = new Map<string, number>();
  const winner = new Map<string, string>();
  const winMs: number[] = [];
  const misses: Record<string, number> = {};
  const miss = (code: string) => (misses[code] = (misses[code] ?? 0) + 1);
  const listMs: number[] = [];
  let maxOpen = 0;
  let next = 0;
  let failure: unknown;
  const until = performance.now() + HTTP_LIMIT_MS;
  const stopped = () => failure !== undefined || performance.now() > until || assignedAt.size >= HTTP_REQUESTS;

  const submitter = async () => {
    while (next < HTTP_REQUESTS && failure === undefined && performance.now() <= until) {
      const i = next++;
      const id = `${prefix}${i}`;
      const bytes = [(i >> 8) & 255, i & 255, tag.length, 42];
      if (path === 'auction') {
        await client.submitRequest({
          request_id: id,
          requester: 'bench-auction',
          program_id: programId,
          input: Buffer.from(bytes).toString('base64'),
          backend: 'groth16',
          max_price: HTTP_MAX_PRICE,
          auction: { mechanism: 'fixed', bid_window_ms: BID_WINDOW_MS },
        });
      } else {
        await client.submitTask({ task_id: id, privacy_level: 1, circuit_data: bytes, reward_amount: HTTP_MAX_PRICE, requester: 'bench-auction' });
      }
      created.set(id, performance.now());
    }
  };
  const won = (id: string, proverId: string, sent: number) => {
    const now = performance.now();
    if (assignedAt.has(id)) throw new Error(`${id} was assigned twice`);
    assignedAt.set(id, now);
    winner.set(id, proverId);
    winMs.push(now - sent);
  };
  const seedProver = async (proverId: string) => {
    while (!stopped()) {
      const sent = performance.now();
      const task = await client.assignTask(proverId);
      if (task === null) {
        miss('empty poll');
        await sleep(2);
      } else if (task.task_id.startsWith(prefix)) won(task.task_id, proverId, sent);
      else miss('other run’s task');
    }
  };
  const auctionProver = async (proverId: string, k: number) => {
    while (!stopped()) {
      const sent = performance.now();
      const open = (await client.listAuctions({ state: 'open', backend: 'groth16' })).filter(
        (a) => a.request_id.startsWith(prefix) && a.mechanism === 'fixed' && a.phase === 'bidding',
      );
      listMs.push(performance.now() - sent);
      maxOpen = Math.max(maxOpen, open.length);
      if (open.length === 0) {
        await sleep(2);
        continue;
      }
      // provers start at evenly spread points of the listing, so they do not all race for the oldest one
      const start = Math.floor((k * open.length) / HTTP_PROVERS);
      let refusedInARow = 0;
      for (let j = 0; j < open.length && !stopped() && refusedInARow < RELIST_AFTER_REFUSALS; j++) {
        const id = open[(start + j) % open.length]!.request_id;
        const sent = performance.now();
        try {
          const r = await client.bid(id, { prover_id: proverId, fee: HTTP_MAX_PRICE });
          if (!r.assigned) throw new Error(`a fixed take of ${id} was accepted without an assignment`);
          won(id, proverId, sent);
          refusedInARow = 0;
        } catch (err) {
          if (!(err instanceof ProofMarketError) || err.status !== 409) throw err;
          miss(err.code);
          refusedInARow++;
          if (err.code === 'capacity_full') throw new Error(`${proverId} is full: raise the provers' capacity`);
        }
      }
    }
  };
  const guard = (p: Promise<unknown>) => p.catch((err: unknown) => (failure ??= err));
  const submitLoops = () => Promise.all(Array.from({ length: SUBMITTERS }, () => guard(submitter())));
  const proverLoops = () => Promise.all(proverIds.map((id, k) => guard(path === 'auction' ? auctionProver(id, k) : seedProver(id))));

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
  if (failure !== undefined) throw failure;
  // after the clock: the coordinator agrees on who holds a sample of the requests
  const sample = [...winner].filter((_, i) => i % Math.max(1, Math.floor(winner.size / 20)) === 0);
  for (const [id, proverId] of sample) {
    const holder = path === 'auction' ? (await client.getRequest(id)).assigned_prover : (await client.taskStatus(id)).assigned_prover;
    if (holder !== proverId) throw new Error(`${id} was won by ${proverId}, but the coordinator says it is assigned to ${holder}`);
  }
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
    path,
    mode,
    submitted: created.size,
    assigned: assignedAt.size,
    submitS: (lastSubmit - t0) / 1000,
    assignS,
    rate: assignS > 0 ? assignedAt.size / assignS : 0,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    winP99: percentile(winMs, 99),
    misses,
    listings: listMs.length,
    listP50: percentile(listMs, 50),
    maxOpen,
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
export async function httpFigures(baseUrl: string): Promise<void> {
  const url = new URL(baseUrl);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error('the auction bench targets loopback only');
  const client = new ProofMarketClient({ baseUrl });
  const missing = await missingRoutes(client);
  if (missing.length) {
    console.log(`skipped: coordinator has no /v1/auctions (the market routes are not there yet: ${missing.join(', ')} answer route_not_found)`);
    return;
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
}

async function httpBench(): Promise<void> {
  console.log(
    `\n## auction — over HTTP: ${HTTP_REQUESTS.toLocaleString('en-US')} fixed auctions (bid window ${BID_WINDOW_MS / 1000} s), ${HTTP_PROVERS} prover loops, ` +
      `\`proofmarket serve\` (embedded PGlite) as a child process\n`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'pm-bench-auction-'));
  const coordinator = await spawnCoordinator(['--host', '127.0.0.1', '--data-dir', join(dir, 'db'), '--log-level', 'error', '--heartbeat-timeout', '600']);
  try {
    await httpFigures(coordinator.url);
  } finally {
    await coordinator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function auctionBench(): Promise<void> {
  await engineBench();
  await httpBench();
}
