// Prover nodes bidding in the market's auctions, against a real coordinator on a socket (in-memory PGlite,
// its scheduler closing the rounds): who wins a weighted, a sealed and a rising auction, and what is paid.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCoordinator, type Coordinator } from '../src/coordinator/coordinator.ts';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { ProverNode, type ProverNodeEvents } from '../src/prover/index.ts';
import type { ProverConfig } from '../src/prover/config.ts';
import { ProofMarketClient } from '../src/sdk/client.ts';
import type { AuctionTerms, RequestView } from '../src/api/index.ts';
import { waitFor as waitForAtMost } from './support/wait.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pm-prover-bidding-'));
let coordinator: Coordinator;
let pm: ProofMarketClient;
let programId: string;
let cheap: ProverNode;
let mid: ProverNode;
let dear: ProverNode;
const decisions: Array<{ node: string } & ProverNodeEvents['bid-decision'][0]> = [];
const actions: Array<{ node: string } & ProverNodeEvents['bid'][0]> = [];

// Three nodes price a groth16 proof at 0.2 s (configured: no speed measurement in tests), with a 20 % margin:
//   cheap: 0.2 s × 100/s = 20 → fee 24    mid: 0.2 s × 500/s = 100 → fee 120    dear: 0.2 s × 1000/s = 200 → fee 240
const pricing = { groth16: { seconds_per_proof: 0.2 } };

function node(name: string, config: Partial<ProverConfig>): ProverNode {
  const n = new ProverNode(
    { coordinator_url: coordinator.url!, state_dir: join(tmp, name), node_id: name, heartbeat_interval: 0.5, poll_interval: 0.1, bid_interval: 0.25, backend_pricing: pricing, ...config },
    { measureSpeed: false },
  );
  n.on('bid-decision', (e) => decisions.push({ node: name, ...e }));
  n.on('bid', (e) => actions.push({ node: name, ...e }));
  return n;
}

before(async () => {
  coordinator = await startCoordinator({ dataDir: 'memory://', logLevel: 'silent', port: 0, verifierThreads: 1, sweepIntervalMs: 200, auctionTickMs: 50, open: true });
  pm = new ProofMarketClient({ baseUrl: coordinator.url! });
  programId = (await pm.listPrograms()).find((p) => p.name === 'data-commitment' && p.proof_system === 'groth16')!.program_id;
  cheap = node('cheap', { cost_per_second: '100' });
  mid = node('mid', { cost_per_second: '500' });
  dear = node('dear', { cost_per_second: '1000' });
  await Promise.all([cheap.start(), mid.start(), dear.start()]);
  // Warm up: the coordinator's first request pays one-time costs (the Poseidon wasm) that would eat into the
  // first auction's bid window; a fixed request goes first. It is the cheap node's, so that the record it
  // earns can only strengthen the weighted winner the tests expect (a node with one verified proof outscores
  // the neutral 2.5 stars of the others on reputation).
  await completed(await request({ mechanism: 'fixed' }, '1000', { allow_list: ['cheap'] }));
});

after(async () => {
  await Promise.all([cheap, mid, dear].map((n) => n?.stop({ handBack: true }).catch(() => undefined)));
  await coordinator?.close();
  await terminateCurves();
  rmSync(tmp, { recursive: true, force: true });
});

/** The bidding tests wait longer than the default: an auction round adds its windows. */
const waitFor = <T>(what: string, fn: Parameters<typeof waitForAtMost<T>>[1], timeoutMs = 60_000) => waitForAtMost(what, fn, timeoutMs);

let seq = 0;
async function request(auction: AuctionTerms, maxPrice = '1000', more: Record<string, unknown> = {}): Promise<string> {
  const r = await pm.submitRequest({
    requester: 'tester',
    program_id: programId,
    input: Buffer.from([7, 7, ++seq]).toString('base64'),
    backend: 'groth16',
    max_price: maxPrice,
    auction,
    ...more,
  });
  return r.request_id;
}

const completed = (id: string) => waitFor(`request ${id} completed`, async () => {
  const r = await pm.getRequest(id);
  assert.notEqual(r.status, 'failed');
  assert.notEqual(r.status, 'expired');
  return r.status === 'completed' ? r : undefined;
}) as Promise<RequestView>;

test('weighted: three nodes bid their cost plus margin; the cheapest wins and is paid its own fee', async () => {
  const id = await request({ mechanism: 'weighted', bid_window_ms: 1500 });
  const done = await completed(id);
  assert.equal(done.assigned_prover, 'cheap');
  assert.equal(done.price, '24');

  const sent = actions.filter((a) => a.requestId === id);
  assert.deepEqual(sent.map((a) => [a.node, a.action, a.fee, a.accepted]).sort(), [
    ['cheap', 'bid', '24', true],
    ['dear', 'bid', '240', true],
    ['mid', 'bid', '120', true],
  ]);
  const auction = await pm.getAuction(id);
  assert.equal(auction.explanation?.outcome.kind, 'won');
  assert.deepEqual(auction.explanation!.entries.map((e) => [e.prover_id, e.fee, e.result]).sort(), [
    ['cheap', '24', 'won'],
    ['dear', '240', 'lost'],
    ['mid', '120', 'lost'],
  ]);
  await waitFor('the win counted', () => cheap.bidStats.won >= 1);
  assert.equal(dear.bidStats.won, 0);
});

test('sealed: all three commit, then reveal; the lowest fee wins at the second price', async () => {
  const id = await request({ mechanism: 'sealed', bid_window_ms: 1500, reveal_window_ms: 1500 });
  const done = await completed(id);
  assert.equal(done.assigned_prover, 'cheap');
  assert.equal(done.price, '120', 'the winner is paid the second-lowest fee (mid\'s)');

  const sent = actions.filter((a) => a.requestId === id).map((a) => [a.node, a.action, a.fee, a.accepted]);
  for (const n of ['cheap', 'mid', 'dear']) {
    const fee = { cheap: '24', mid: '120', dear: '240' }[n]!;
    assert.deepEqual(sent.filter((s) => s[0] === n), [[n, 'commit', fee, true], [n, 'reveal', fee, true]], `${n} committed, then revealed`);
  }
  // between the commit and the reveal, each waited for the reveal phase
  assert.ok(decisions.some((d) => d.requestId === id && d.node === 'dear' && d.decision.action === 'wait' && d.decision.reason === 'reveal_phase'));
  const auction = await pm.getAuction(id);
  const outcome = auction.explanation!.outcome;
  assert.ok(outcome.kind === 'won' && outcome.prover_id === 'cheap' && outcome.price === '120' && outcome.refund === '880');
});

test('rising: each node waits for the price to reach its fee; the cheapest locks first', async () => {
  // 0 → 1000 over 20 s: the cheap node's fee (24) comes after 480 ms, the dear node's (240) after 4.8 s.
  const id = await request({ mechanism: 'rising', bid_window_ms: 30_000, min_price: '0', ramp_start_ms: 0, ramp_period_ms: 20_000, lock_timeout_ms: 60_000 });
  const done = await completed(id);
  assert.equal(done.assigned_prover, 'cheap');
  const price = BigInt(done.price!);
  assert.ok(price >= 24n && price < 120n, `locked at ${price}, at or above the fee 24 and below the next node's 120`);
  assert.ok(actions.some((a) => a.requestId === id && a.node === 'cheap' && a.action === 'lock' && a.accepted && a.assigned));
  // the others never locked: they waited for their own fees (if they saw the auction before the cheap node took it)
  assert.ok(!actions.some((a) => a.requestId === id && a.node !== 'cheap' && a.action === 'lock'));
  for (const d of decisions.filter((x) => x.requestId === id && x.node !== 'cheap')) {
    assert.ok(d.decision.action === 'wait' || d.decision.action === 'skip', JSON.stringify(d.decision));
    if (d.decision.action === 'wait') assert.equal(d.decision.reason, 'price_below_target');
  }
});

test('a request below a node\'s cost is skipped by it (price_below_cost), without a refused bid', async () => {
  const refusedBefore = dear.bidStats.refused;
  const id = await request({ mechanism: 'weighted', bid_window_ms: 1000 }, '200');
  const done = await completed(id);
  assert.equal(done.assigned_prover, 'cheap');
  assert.ok(decisions.some((d) => d.requestId === id && d.node === 'dear' && d.decision.action === 'skip' && d.decision.reason === 'price_below_cost'));
  assert.ok(!actions.some((a) => a.requestId === id && a.node === 'dear'));
  assert.equal(dear.bidStats.refused, refusedBefore);
  await waitFor('the skip counted once the round closed', () => dear.bidStats.skipped >= 1);
});

test('fixed: the first eligible node to poll takes it at the fixed price; an allow list picks who may', async () => {
  const open = await request({ mechanism: 'fixed' }, '700');
  const done = await completed(open);
  assert.ok(['cheap', 'mid', 'dear'].includes(done.assigned_prover!));
  assert.equal(done.price, '700', 'a fixed request pays its max price');
  const only = await request({ mechanism: 'fixed' }, '300', { allow_list: ['mid'] });
  const picked = await completed(only);
  assert.equal(picked.assigned_prover, 'mid');
  assert.equal(picked.price, '300');
});

test('no bids: the request is re-auctioned at rising prices, then refunded at its deadline', async () => {
  // max 10, below every node's fee; each 1 s round raises it by 1, and the deadline is 6 s away
  const id = await request({ mechanism: 'weighted', bid_window_ms: 1000 }, '10', {
    deadline: 0.1,
    reauction: { max_price_step: '1', max_price_ceiling: '1000' },
  });
  const ended = await waitFor(`request ${id} ended`, async () => {
    const r = await pm.getRequest(id);
    return r.status === 'failed' ? r : undefined;
  }, 30_000);
  assert.ok(ended.round >= 3, `re-auctioned: round ${ended.round}`);
  assert.ok(BigInt(ended.max_price) > 10n, `at a raised price: ${ended.max_price}`);
  const last = ended.history.at(-1)!;
  assert.ok(last.cause === 'no_winner' || last.cause === 'deadline', JSON.stringify(last));
  // the escrow covered the re-auction ceiling, the most the request could ever pay: all of it comes back
  assert.equal((last.detail as { refund?: string }).refund, '1000', 'the escrow is refunded in full');
  assert.deepEqual((await pm.requestLedger(id)).movements.map((m) => m.kind), ['escrow', 'refund']);
  assert.equal(ended.assigned_prover, null);
  for (const n of ['cheap', 'mid', 'dear']) {
    assert.ok(!actions.some((a) => a.requestId === id && a.node === n), `${n} never bid below its cost`);
  }
});

test('a 409 is an answer: logged with its code once, not retried; stop() ends the bidding loop', async () => {
  // This node cannot read its own stars, so its strategy leaves min_reputation to the market, which refuses
  // a newcomer (2.5 stars) below 3.
  class NoStars extends ProofMarketClient {
    override getProver(): never {
      throw new Error('not available in this test');
    }
  }
  const blind = new ProverNode(
    { coordinator_url: coordinator.url!, state_dir: join(tmp, 'blind'), node_id: 'blind', heartbeat_interval: 0.5, poll_interval: 0.1, backend_pricing: pricing },
    { measureSpeed: false, client: new NoStars({ baseUrl: coordinator.url! }) },
  );
  const mine: Array<ProverNodeEvents['bid'][0]> = [];
  blind.on('bid', (e) => mine.push(e));
  await blind.start();
  try {
    const id = await request({ mechanism: 'weighted', bid_window_ms: 1500 });
    const r = await pm.submitRequest({ requester: 'tester', program_id: programId, input: Buffer.from([1, 9, 9]).toString('base64'), backend: 'groth16', max_price: '1000', min_reputation: 3, auction: { mechanism: 'weighted', bid_window_ms: 1500 } });
    await waitFor('the picky round closed', async () => (await pm.getAuction(r.request_id)).phase === 'closed');
    const refusals = mine.filter((e) => e.requestId === r.request_id);
    assert.deepEqual(refusals.map((e) => [e.action, e.accepted, e.code]), [['bid', false, 'reputation_too_low']], 'one refused bid, no retries');
    assert.ok(blind.bidStats.refused >= 1);
    await completed(id);
  } finally {
    const stopped = Date.now();
    await blind.stop({ handBack: true });
    assert.ok(Date.now() - stopped < 10_000, 'stop() is prompt');
  }
  const sentAtStop = blind.bidStats.sent;
  await request({ mechanism: 'weighted', bid_window_ms: 1000 });
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(blind.bidStats.sent, sentAtStop, 'a stopped node sends nothing');
});
