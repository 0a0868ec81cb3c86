// npm run bench -- auction, part 1 (see bench/auction.ts): the engine alone (src/domain/market, pure).
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
import { fmt, ratio, sized, table } from './support.ts';
import { seededRandom } from '../src/demo/workload.ts';
import { median, progress } from './auction-support.ts';

/** Bids per auction in the headline figures. */
const N = 10_000;
/** Smaller auctions measured once each, to show how the cost per bid grows with the number of bids. */
const SCALING_SIZES = [1_000, 5_000] as const;
/** One discarded run per mechanism at this size before anything is measured (JIT). */
const WARMUP_N = 1_000;
/** Measured rounds at N per mechanism (the median is reported), as many as fit in ROUND_BUDGET_MS, at least 1. */
const ROUNDS = sized('AUCTION_ROUNDS', 5);
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

interface HeadlineRuns {
  m: Mechanism;
  runs: EngineRun[];
  sorts: number[];
}

interface ScalingRun {
  m: Mechanism;
  n: number;
  run: EngineRun;
  sort: number;
}

export async function engineBench(): Promise<Record<string, number>> {
  printEngineMethod();
  const { headline, scaling } = measureEngine();
  printHeadline(headline);
  printScaling(scaling);
  const ms = (x: number) => Math.round(x * 10) / 10;
  return Object.fromEntries(headline.flatMap((h) => [[`${h.m}_apply_close_ms`, ms(median(h.runs.map((r) => r.applyMs + r.closeMs)))], [`${h.m}_sort_ms`, ms(median(h.sorts))]]));
}

function printEngineMethod(): void {
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
}

/** Per mechanism: a warm-up, one auction per scaling size, then up to ROUNDS auctions of N bids within the budget. */
function measureEngine(): { headline: HeadlineRuns[]; scaling: ScalingRun[] } {
  const big = makeField(N);
  const small = new Map<number, Field>(SCALING_SIZES.map((n) => [n, makeField(n)]));
  const warm = small.get(WARMUP_N) ?? makeField(WARMUP_N);
  for (let k = 0; k < 3; k++) sortMs(big.bids); // warm the baseline

  const headline: HeadlineRuns[] = [];
  const scaling: ScalingRun[] = [];
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
  return { headline, scaling };
}

function printHeadline(headline: readonly HeadlineRuns[]): void {
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
}

function printScaling(scaling: readonly ScalingRun[]): void {
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

