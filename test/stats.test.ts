// Market analytics end to end: a workload whose answer the test knows (requests submitted through the HTTP API,
// completed with real proofs, one failed, one held, one left pending, on a manual clock advanced by known
// amounts), then every figure of GET /v1/stats checked exactly; ledger and slash rows inserted directly; and the
// `proofmarket stats` command run as a process against the same coordinator, listening on 127.0.0.1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { ManualClock } from '../src/domain/clock.ts';
import { startCoordinator, type Coordinator } from '../src/coordinator/coordinator.ts';
import type { CoordinatorConfig } from '../src/coordinator/config.ts';
import { openDb, type Db } from '../src/store/db.ts';
import { proveBuiltin } from './support/proofs.ts';
import { createDatabase } from './support/services.ts';

// the published binary (it registers tsx itself, so the CLI runs from any directory)
const BIN = new URL('../bin/proofmarket.js', import.meta.url).pathname;
// Unsigned calls, as the seed clients make them (a coordinator with signed calls takes them in --open mode).
const OPEN = { open: true } as Partial<CoordinatorConfig>;

let c: Coordinator;
let clock: ManualClock;
let url: string;
const tmp = mkdtempSync(join(tmpdir(), 'pm-stats-'));
const programs: Record<string, string> = {};

/** A coordinator on a manual clock, listening on 127.0.0.1 (port 0), on an in-memory PGlite or the given db. */
async function start(db?: Db): Promise<void> {
  clock = new ManualClock('2026-03-01T12:00:00.000Z');
  c = await startCoordinator(
    { dataDir: 'memory://', logLevel: 'silent', verifierThreads: 1, host: '127.0.0.1', port: 0, maxAttempts: 1, ...OPEN },
    { clock, scheduler: false, db },
  );
  url = c.url!;
  for (const p of (await call('GET', '/programs')).body as Array<{ program_id: string; name: string; proof_system: string }>) {
    programs[`${p.name}/${p.proof_system}`] = p.program_id;
  }
}
after(async () => {
  await c?.close();
  await terminateCurves();
  rmSync(tmp, { recursive: true, force: true });
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; raw: string }> {
  const res = await c.app.inject({
    method: method as 'GET',
    url: path,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    payload: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = String(res.headers['content-type'] ?? '').startsWith('application/json');
  return { status: res.statusCode, body: json ? JSON.parse(res.body) : res.body, raw: res.body };
}

const stats = async (query = '') => {
  const r = await call('GET', `/v1/stats${query}`);
  assert.equal(r.status, 200, r.raw);
  return r.body;
};

let seq = 0;
/** A fixed-price request for a built-in program (data-commitment/groth16 or range-proof/plonk). */
async function submit(maxPrice: string, kind: 'groth16' | 'plonk' = 'groth16'): Promise<string> {
  const input = kind === 'groth16' ? Buffer.from([7, ++seq]) : Buffer.from(JSON.stringify({ value: String(40 + ++seq), min: '18', max: '150' }));
  const r = await call('POST', '/v1/requests', {
    requester: 'alice',
    program_id: kind === 'groth16' ? programs['data-commitment/groth16'] : programs['range-proof/plonk'],
    input: input.toString('base64'),
    backend: kind,
    privacy_level: 1,
    max_price: maxPrice,
  });
  assert.equal(r.status, 201, r.raw);
  return r.body.request_id;
}

/** The prover polls and must get `requestId`. */
async function take(proverId: string, requestId: string): Promise<any> {
  const t = (await call('GET', `/tasks/assign/${proverId}`)).body;
  assert.equal(t?.task_id, requestId, `${proverId} gets ${requestId}`);
  return t;
}

/** A real proof for the task, verified: the request completes. */
async function prove(proverId: string, task: any, kind: 'groth16' | 'plonk' = 'groth16'): Promise<void> {
  const proof = await proveBuiltin(kind === 'groth16' ? 'data-commitment' : 'range-proof', kind, task.circuit_input);
  const r = await call('POST', '/tasks/result', { task_id: task.task_id, prover_id: proverId, proof: proof.bytes });
  assert.equal(r.body.verification_result, 'Pass', r.raw);
}

/** Sums of the settlement credits in the ledger, read directly (a cross-check of the store's query). */
async function settled(from: Date, to: Date): Promise<{ volume: bigint; fees: bigint }> {
  const rows = await c.db.query<{ account: string; amount: string }>(
    `SELECT e.account, e.amount::text AS amount FROM ledger_entries e JOIN ledger_movements m ON m.id = e.movement_id
     WHERE m.kind = 'settle' AND m.at >= $1 AND m.at <= $2 AND e.amount > 0`,
    [from, to],
  );
  let volume = 0n;
  let fees = 0n;
  for (const r of rows) {
    if (r.account === 'treasury') fees += BigInt(r.amount);
    if (r.account === 'treasury' || r.account.startsWith('earnings:')) volume += BigInt(r.amount);
  }
  return { volume, fees };
}

const ids: Record<string, string> = {};
const S = new Date('2026-03-01T14:00:02.000Z');

/** The workload: after it the clock reads 14:06:27 and the requests are as each comment says. */
async function workload(): Promise<void> {
  for (const [id, capacity] of [['fast', 4], ['slow', 2]] as const) {
    const r = await call('POST', '/provers/register', { prover_id: id, name: id === 'fast' ? 'Fast Prover' : 'Slow Prover', supported_levels: [1], capacity });
    assert.equal(r.status, 200, r.raw);
  }
  // R0 at 12:00:00: assigned after 1 s, verified 2 s after creation; then two hours pass.
  ids.R0 = await submit('700');
  clock.advance(1_000);
  const t0 = await take('fast', ids.R0);
  clock.advance(1_000);
  await prove('fast', t0);
  clock.advance(S.getTime() - clock.now().getTime());

  // R1..R3 from 14:00:02: waits 1, 2 and 3 s; verified 5, 3 and 9 s after creation.
  for (const [name, price, wait, latency] of [['R1', '100', 1_000, 5_000], ['R2', '300', 2_000, 3_000], ['R3', '200', 3_000, 9_000]] as const) {
    ids[name] = await submit(price);
    clock.advance(wait);
    const t = await take('fast', ids[name]!);
    clock.advance(latency - wait);
    await prove('fast', t);
  }
  // six minutes later (S + 377 s): R4 fails (a bad proof, max_attempts 1) after a 4 s wait
  clock.advance(S.getTime() + 377_000 - clock.now().getTime());
  ids.R4 = await submit('500');
  clock.advance(4_000);
  await take('slow', ids.R4);
  clock.advance(1_000);
  const bad = await call('POST', '/tasks/result', { task_id: ids.R4, prover_id: 'slow', proof: [1, 2, 3] });
  assert.equal(bad.body.verification_result, 'Fail', bad.raw);
  // R5 on PLONK: 0.5 s wait, verified after 2 s
  ids.R5 = await submit('400', 'plonk');
  clock.advance(500);
  const t5 = await take('fast', ids.R5);
  clock.advance(1_500);
  await prove('fast', t5, 'plonk');
  // R7 is held by `slow` after 1 s; R6 stays pending
  ids.R7 = await submit('600');
  clock.advance(1_000);
  await take('slow', ids.R7);
  ids.R6 = await submit('900');
  assert.equal(clock.now().toISOString(), '2026-03-01T14:06:27.000Z');
  await c.market.tick(); // refreshes the reputation caches
  for (const [name, status] of [['R0', 'completed'], ['R4', 'failed'], ['R5', 'completed'], ['R6', 'pending'], ['R7', 'assigned']]) {
    assert.equal((await call('GET', `/v1/requests/${ids[name!]}`)).body.status, status, name);
  }
}

// The same figures on both stores (the PostgreSQL run reads in a REPEATABLE READ transaction).
const pgAdmin = process.env.TEST_DATABASE_URL;
const pgSkip = !pgAdmin && process.env.CI !== 'true' ? 'PostgreSQL is not available (set TEST_DATABASE_URL, as .ci/run does)' : false;

describe('GET /v1/stats on a known workload (embedded PGlite)', () => {
  before(async () => {
    await start();
    await workload();
  });
  workloadTests();
});

function workloadTests(): void {

  test('1h: counts, success rate, prices per backend, waits, provers, utilisation, series', async () => {
    const s = await stats('?period=1h');
    assert.equal(s.period, '1h');
    assert.equal(s.from, '2026-03-01T13:06:27.000Z');
    assert.equal(s.to, '2026-03-01T14:06:27.000Z');
    assert.equal(s.bucket_ms, 300_000);
    // R0 was created before the hour
    assert.deepEqual(s.requests, { total: 7, by_status: { pending: 1, assigned: 1, in_progress: 0, completed: 4, failed: 1 }, cancelled: 0 });
    assert.equal(s.success_rate, 0.8);
    assert.deepEqual(s.prices, [
      { backend: 'groth16', count: 3, median: '200', p90: '300' },
      { backend: 'plonk', count: 1, median: '400', p90: '400' },
    ]);
    // waits 1000, 2000, 3000, 4000, 500, 1000: mean 1916.67, p90 (6th of 6) 4000
    assert.deepEqual(s.time_to_assignment, { count: 6, mean_ms: 1917, p90_ms: 4000 });
    // latencies 5000, 3000, 9000, 2000
    assert.deepEqual(s.time_to_proof, { count: 4, mean_ms: 4750, p90_ms: 9000 });
    assert.deepEqual(s.provers, { total: 2, active: 2, busy: 0, offline: 0, suspended: 0 });
    assert.equal(s.active_provers, 2);
    assert.deepEqual(s.utilisation, { held: 1, capacity: 6, ratio: 1 / 6 });

    assert.equal(s.series.length, 12);
    assert.equal(s.series[10].start, '2026-03-01T13:56:27.000Z');
    assert.deepEqual(s.series[10], { start: '2026-03-01T13:56:27.000Z', end: '2026-03-01T14:01:27.000Z', created: 3, completed: 3, median_price: '200', median_latency_ms: 5_000 });
    assert.deepEqual(s.series[11], { start: '2026-03-01T14:01:27.000Z', end: '2026-03-01T14:06:27.000Z', created: 4, completed: 1, median_price: '400', median_latency_ms: 2_000 });
    for (const b of s.series.slice(0, 10)) assert.deepEqual([b.created, b.completed, b.median_price, b.median_latency_ms], [0, 0, null, null]);

    const [fast, slow] = [(await call('GET', '/v1/provers/fast')).body, (await call('GET', '/v1/provers/slow')).body];
    assert.ok(fast.reputation > slow.reputation, `fast ${fast.reputation} > slow ${slow.reputation}`);
    assert.deepEqual(s.top_provers, [
      { prover_id: 'fast', name: 'Fast Prover', reputation: fast.reputation, status: 'active', completed: 4 },
      { prover_id: 'slow', name: 'Slow Prover', reputation: slow.reputation, status: 'active', completed: 0 },
    ]);
    // money: the settlements of R1, R2, R3 and R5 paid their clearing prices (prover's share + the fee)
    assert.equal(s.volume_paid, String(100 + 300 + 200 + 400));
    const paid = await settled(new Date(s.from), new Date(s.to));
    assert.equal(s.fees, paid.fees.toString());
    assert.ok(paid.fees < paid.volume);
  });

  test('24h (the default): R0 counts; the median of an even count is the lower middle', async () => {
    const s = await stats();
    assert.equal(s.period, '24h');
    assert.deepEqual(await stats('?period=24h'), s);
    assert.equal(s.from, '2026-02-28T14:06:27.000Z');
    assert.equal(s.bucket_ms, 3_600_000);
    assert.deepEqual(s.requests.by_status, { pending: 1, assigned: 1, in_progress: 0, completed: 5, failed: 1 });
    assert.equal(s.requests.total, 8);
    assert.equal(s.success_rate, 5 / 6);
    // groth16 prices 700, 100, 300, 200: median is the 2nd of 4 (200), p90 the 4th (700)
    assert.deepEqual(s.prices[0], { backend: 'groth16', count: 4, median: '200', p90: '700' });
    assert.deepEqual(s.time_to_assignment, { count: 7, mean_ms: 1786, p90_ms: 4000 });
    assert.deepEqual(s.time_to_proof, { count: 5, mean_ms: 4200, p90_ms: 9000 });
    assert.equal(s.series.length, 24);
    assert.deepEqual(s.series[21], { start: '2026-03-01T11:06:27.000Z', end: '2026-03-01T12:06:27.000Z', created: 1, completed: 1, median_price: '700', median_latency_ms: 2_000 });
    // prices 100, 300, 200, 400 → 200; latencies 5000, 3000, 9000, 2000 → 3000 (lower middles)
    assert.deepEqual(s.series[23], { start: '2026-03-01T13:06:27.000Z', end: '2026-03-01T14:06:27.000Z', created: 7, completed: 4, median_price: '200', median_latency_ms: 3_000 });
    assert.equal(s.series.reduce((n: number, b: any) => n + b.created, 0), 8);
    assert.equal(s.top_provers[0].completed, 5);
    assert.equal(s.volume_paid, '1700', 'R0 was paid too');
    assert.equal(s.fees, (await settled(new Date(s.from), new Date(s.to))).fees.toString());
    assert.equal((await stats('?period=7d')).series.length, 28);
    const month = await stats('?period=30d');
    assert.equal(month.series.length, 30);
    assert.equal(month.requests.total, 8);
  });

  test('volume, fees and slashes come from the ledger tables, within the period only', async () => {
    const now = clock.now().getTime();
    const ago = (ms: number) => new Date(now - ms);
    const [hourBefore, dayBefore] = [await stats('?period=1h'), await stats('?period=24h')];
    const movement = async (kind: string, at: Date, entries: Array<[string, bigint]>) => {
      const [m] = await c.db.query<{ id: string }>(`INSERT INTO ledger_movements (kind, cause_type, cause_id, at) VALUES ($1, 'request', 'stats-test', $2) RETURNING id`, [kind, at]);
      for (const [account, amount] of entries) {
        await c.db.query(`INSERT INTO ledger_entries (movement_id, account, amount) VALUES ($1, $2, $3)`, [m!.id, account, amount.toString()]);
      }
    };
    await movement('settle', ago(10 * 60_000), [['escrow:x', -1_000n], ['earnings:fast', 950n], ['treasury', 50n]]);
    await movement('settle', ago(2 * 3_600_000), [['escrow:y', -100n], ['earnings:slow', 90n], ['treasury', 10n]]); // not in the last hour
    await movement('deposit', ago(60_000), [['external', -5_000n], ['balance:alice', 5_000n]]);
    await movement('subscription_release', ago(60_000), [['escrow:subscription:s', -70n], ['earnings:slow', 70n]]); // not a settlement
    await movement('settle', ago(25 * 3_600_000), [['escrow:z', -1n], ['treasury', 1n]]); // not in the last day

    const slash = async (task: string, prover: string, amount: bigint, at: Date, reversed = false) => {
      const [lock] = await c.db.query<{ lock_id: string }>(
        `INSERT INTO stake_locks (task_id, prover_id, amount, locked_at, state, closed_at) VALUES ($1, $2, $3, $4, 'slashed', $4) RETURNING lock_id`,
        [task, prover, (amount * 2n).toString(), at],
      );
      await c.db.query(
        `INSERT INTO slashes (lock_id, task_id, prover_id, amount, to_requester, burned, at, reversed_at, reversed_by, reversal_reason)
         VALUES ($1, $2, $3, $4, $4, 0, $5, $6, $7, $8)`,
        [lock!.lock_id, task, prover, amount.toString(), at, reversed ? new Date(now) : null, reversed ? 'operator' : null, reversed ? 'test' : null],
      );
    };
    await slash(ids.R4!, 'slow', 300n, ago(5 * 60_000));
    await slash(ids.R7!, 'slow', 200n, ago(60_000), true);
    await slash(ids.R3!, 'fast', 999n, ago(2 * 3_600_000));

    const [hour, day] = [await stats('?period=1h'), await stats('?period=24h')];
    const delta = (a: any, b: any, k: string) => BigInt(a[k]) - BigInt(b[k]);
    assert.equal(delta(hour, hourBefore, 'volume_paid'), 1_000n);
    assert.equal(delta(hour, hourBefore, 'fees'), 50n);
    assert.equal(delta(day, dayBefore, 'volume_paid'), 1_100n);
    assert.equal(delta(day, dayBefore, 'fees'), 60n);
    assert.deepEqual(hour.slashes, { count: hourBefore.slashes.count + 1, amount: (BigInt(hourBefore.slashes.amount) + 300n).toString(), reversed: hourBefore.slashes.reversed + 1 });
    assert.deepEqual(day.slashes, { count: dayBefore.slashes.count + 2, amount: (BigInt(dayBefore.slashes.amount) + 1_299n).toString(), reversed: dayBefore.slashes.reversed + 1 });
  });

  test('a bad period is 400 invalid_period; unknown parameters are invalid_request; the schema is in /openapi.json', async () => {
    for (const q of ['?period=2h', '?period=', '?period=24H', '?period=1h&period=24h']) {
      const r = await call('GET', `/v1/stats${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(r.body.error.code, 'invalid_period', q);
      assert.match(r.body.error.message, /period must be one of 1h, 24h, 7d, 30d/);
    }
    const unknown = await call('GET', '/v1/stats?colour=red');
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.code, 'invalid_request');
    const doc = (await call('GET', '/openapi.json')).body;
    const op = doc.paths['/v1/stats'].get;
    assert.deepEqual(op.parameters.find((p: any) => p.name === 'period').schema.enum, ['1h', '24h', '7d', '30d']);
    const props = op.responses['200'].content['application/json'].schema.properties;
    for (const k of ['requests', 'success_rate', 'prices', 'time_to_assignment', 'time_to_proof', 'active_provers', 'utilisation', 'volume_paid', 'fees', 'slashes', 'top_provers', 'series']) {
      assert.ok(props[k], `the response schema has ${k}`);
    }
  });
}

/** Runs `proofmarket <args>` to its end, without blocking this process (which serves the coordinator). */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [BIN, ...args], {
      cwd: tmp,
      env: { ...process.env, PROOFMARKET_URL: '', PROOFMARKET_HOME: join(tmp, 'home'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => (stdout += d));
    proc.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
    proc.on('error', reject);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('proofmarket stats against the live coordinator', () => {
  test('text, json to a file, csv, and --period', async () => {
    const [text, json, csv, fromEnv] = await Promise.all([
      cli(['stats', '--coordinator', url]),
      cli(['stats', '--format', 'json', '--output', 'market_stats.json', '--coordinator', url]),
      cli(['stats', '--format', 'csv', '--period', '1h', '--coordinator', url]),
      cli(['stats', '--json', '--period', '7d'], { PROOFMARKET_URL: url }),
    ]);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stderr, '');
    assert.match(text.stdout, /^Market stats, last 24h: 2026-02-28 14:06 to 2026-03-01 14:06 UTC\n/);
    assert.match(text.stdout, /\nRequests {8}8 created: 1 pending, 1 assigned, 0 in progress, 5 completed, 1 failed\n/);
    assert.match(text.stdout, /\nSuccess rate {4}83\.3% \(5 completed of 6 finished\)\n/);
    assert.match(text.stdout, /\nTime to assign {2}mean 1\.79 s, p90 4\.00 s \(7 requests\)\n/);
    assert.match(text.stdout, /\nUtilisation {5}16\.7% \(1 of 6 slots held now\)\n/);
    assert.match(text.stdout, /\nClearing prices\n  BACKEND +COMPLETED +MEDIAN +P90\n  groth16 +4 +200 +700\n  plonk +1 +400 +400\n/);
    assert.match(text.stdout, /\nTop provers by reputation\n  PROVER +NAME +REPUTATION +COMPLETED +STATUS\n  fast +Fast Prover +\d\.\d\d +5 +active\n  slow +Slow Prover/);
    assert.match(text.stdout, /\nSeries \(1 h buckets\)\n  START +CREATED +COMPLETED +MEDIAN PRICE +MEDIAN LATENCY\n  2026-02-28 14:06 +0 +0 +- +-\n/);
    assert.match(text.stdout, /\n  2026-03-01 11:06 +1 +1 +700 +2\.00 s\n/);
    assert.match(text.stdout, /\n  2026-03-01 13:06 +7 +4 +200 +3\.00 s\n$/);
    assert.equal(text.stdout.split('\n').filter((l) => /^  2026-/.test(l)).length, 24, 'one row per bucket');

    assert.equal(json.code, 0, json.stderr);
    assert.equal(json.stdout, 'wrote the market stats (24h, json) to market_stats.json\n');
    const doc = JSON.parse(readFileSync(join(tmp, 'market_stats.json'), 'utf8'));
    assert.deepEqual(doc, await stats('?period=24h'), 'the file is the /v1/stats body');

    assert.equal(csv.code, 0, csv.stderr);
    const lines = csv.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'bucket_start,bucket_end,created,completed,median_price,median_latency_ms');
    assert.equal(lines.length, 1 + 12, 'a header and one row per bucket');
    assert.equal(lines[11], '2026-03-01T13:56:27.000Z,2026-03-01T14:01:27.000Z,3,3,200,5000');
    assert.equal(lines[12], '2026-03-01T14:01:27.000Z,2026-03-01T14:06:27.000Z,4,1,400,2000');
    assert.equal(lines[1], '2026-03-01T13:06:27.000Z,2026-03-01T13:11:27.000Z,0,0,,');

    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    assert.deepEqual(JSON.parse(fromEnv.stdout), await stats('?period=7d'));
  });

  test('bad --period and --format: one line on stderr, exit 2; an unreachable coordinator exits 3', async () => {
    const [period, format, both, unreachable, help] = await Promise.all([
      cli(['stats', '--period', '2h', '--coordinator', url]),
      cli(['stats', '--format', 'xml', '--coordinator', url]),
      cli(['stats', '--json', '--format', 'csv', '--coordinator', url]),
      cli(['stats', '--coordinator', 'http://127.0.0.1:9']),
      cli(['stats', '--help']),
    ]);
    assert.deepEqual(period, { code: 2, stdout: '', stderr: 'error: invalid_option: --period must be one of 1h, 24h, 7d, 30d, got "2h"\n' });
    assert.deepEqual(format, { code: 2, stdout: '', stderr: 'error: invalid_option: --format must be one of text, json, csv, got "xml"\n' });
    assert.equal(both.code, 2);
    assert.equal(both.stderr.split('\n').length, 2, 'one line');
    assert.equal(unreachable.code, 3);
    assert.equal(unreachable.stdout, '');
    assert.match(unreachable.stderr, /^error: coordinator_unreachable: cannot reach the coordinator at http:\/\/127\.0\.0\.1:9\b[^\n]*\n$/);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /proofmarket stats --format json --output market_stats.json/);
  });
});

describe('a cancelled request', () => {
  test('counts as failed in by_status and in `cancelled`, but not against the success rate', async () => {
    const before = await stats('?period=1h');
    const id = await submit('50');
    const r = await call('POST', `/v1/requests/${id}/cancel`, {});
    assert.equal(r.status, 200, r.raw);
    const s = await stats('?period=1h');
    assert.equal(s.requests.total, before.requests.total + 1);
    assert.equal(s.requests.by_status.failed, before.requests.by_status.failed + 1);
    assert.equal(s.requests.cancelled, before.requests.cancelled + 1);
    assert.equal(s.success_rate, 0.8, 'still 4 completed of 5 finished');
    assert.equal(s.series[11].created, before.series[11].created + 1);
  });
});

describe('GET /v1/stats on a known workload (PostgreSQL)', { skip: pgSkip }, () => {
  let db: Db | undefined;
  before(async () => {
    if (!pgAdmin) throw new Error('TEST_DATABASE_URL is not set; CI must provide PostgreSQL');
    await c.close(); // the PGlite one: its tests are done
    db = await openDb({ databaseUrl: await createDatabase(pgAdmin) });
    await start(db);
    await workload();
  });
  after(async () => {
    await c.close();
    c = undefined as unknown as Coordinator;
    await db?.close();
  });
  workloadTests();
});
