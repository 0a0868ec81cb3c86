// Crash safety of the ledger (issue #5 §5): `proofmarket serve --open` runs as a child process; requester loops
// (signed, min_stake > 0, some cancelling) and prover loops (polling, submitting a real proof, sometimes a
// corrupted one) drive it through the SDK, and it is killed with SIGKILL while settlements are in flight. Every
// loop retries what it was doing when the connection broke (the same request id, the same result), against
// the restarted coordinator on the same store. Then: the ledger audits clean; no request is settled twice or
// refunded twice, or both; each completed request was paid exactly once and each failed or cancelled one
// refunded exactly once; the provers' earnings and the treasury add up to the prices of the completed
// requests; and the accounts hold exactly what was deposited less what was withdrawn.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { ProofMarketClient, ProofMarketError } from '../src/sdk/client.ts';
import { privateKeySigner, type Signer } from '../src/sdk/signer.ts';
import type * as T from '../src/api/index.ts';
import { openDb } from '../src/store/db.ts';
import * as ledger from '../src/store/ledger.ts';
import { spawnCoordinator, type CliProcess } from './support/process.ts';
import { countKind, LEDGER_INPUT_B64, ledgerProofs, type LedgerProofs } from './support/economy.ts';
import { freshPostgres, storesUnderTest } from './support/services.ts';

test.after(() => terminateCurves());

const PROVERS = ['crash-a', 'crash-b'];
const REQUESTERS = 3;
const REQUESTS_EACH = 15;
const KILL_AFTER_COMPLETIONS = 15;
const MIN_STAKE = 100n;
const FEE_BPS = 250;
/** Every loop and wait is bounded by this (from the start of the load). */
const LOAD_BUDGET_MS = 90_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The coordinator as the loops see it: its current URL, replaced when it is restarted. */
class Coordinator {
  url = '';
  proc: (CliProcess & { url: string }) | undefined;
  /** Set when the test has failed: every loop stops at its next call. */
  aborted = false;
  /** Calls started and not yet answered, per kind; read at the moment of the kill. */
  readonly inFlight = new Map<string, number>();
  constructor(readonly args: string[]) {}

  async start(): Promise<void> {
    this.proc = await spawnCoordinator(this.args);
    this.url = this.proc.url;
  }

  client(signer?: Signer): ProofMarketClient {
    return new ProofMarketClient({ baseUrl: this.url, signer, timeoutMs: 10_000 });
  }

  /**
   * Runs `fn` against the current coordinator until it answers (a result or a ProofMarketError below 500):
   * a broken connection or a 5xx is retried after a pause, against whatever coordinator is up by then.
   */
  async retry<R>(kind: string, until: number, fn: (url: string) => Promise<R>): Promise<R | ProofMarketError> {
    for (;;) {
      if (this.aborted) throw new Error(`${kind}: aborted`);
      this.inFlight.set(kind, (this.inFlight.get(kind) ?? 0) + 1);
      try {
        return await fn(this.url);
      } catch (err) {
        if (err instanceof ProofMarketError && err.status < 500) return err;
        if (Date.now() > until) throw new Error(`${kind}: the coordinator did not answer within the budget: ${(err as Error).message}`);
      } finally {
        this.inFlight.set(kind, this.inFlight.get(kind)! - 1);
      }
      await sleep(100);
    }
  }

  async json(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(this.url + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  async ok(method: string, path: string, body?: unknown): Promise<any> {
    const r = await this.json(method, path, body);
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }
}

interface Submitted {
  id: string;
  requester: string;
  maxPrice: bigint;
  /** The requester asked to cancel it (and what it was told). */
  cancel?: number | string;
}

interface Verdict {
  task: string;
  prover: string;
  corrupted: boolean;
  /** 'Pass' / 'Fail', or the error code of a refused (re)submission, e.g. task_completed after a crash. */
  outcome: string;
  /** The submission was retried after the connection broke. */
  retried: boolean;
}

/** `oneCommitClaims`: the store claims a request and locks its stake in one transaction (PostgreSQL; not PGlite). */
async function exercise(t: TestContext, storeArgs: string[], openStore: () => ReturnType<typeof openDb>, oneCommitClaims: boolean) {
  const proofs: LedgerProofs = await ledgerProofs();
  const coordinator = new Coordinator([...storeArgs, '--proof-timeout', '3', '--protocol-fee-bps', String(FEE_BPS), '--max-attempts', '1', '--verifier-threads', '1']);
  await coordinator.start();
  t.after(() => coordinator.proc?.stop('SIGKILL'));

  // ── setup: provers registered, funded and staked; requesters funded ──
  const programs = (await coordinator.json('GET', '/programs')).body as Array<{ program_id: string; name: string; proof_system: string }>;
  const program = programs.find((p) => p.name === 'data-commitment' && p.proof_system === 'groth16')!.program_id;
  let deposits = 0n;
  let withdrawals = 0n;
  for (const id of PROVERS) {
    await coordinator.ok('POST', '/provers/register', { prover_id: id, supported_levels: [1], capacity: 3, backends: ['groth16'] });
    await coordinator.ok('POST', '/v1/accounts/faucet', { address: id, amount: '100000' });
    await coordinator.ok('POST', `/v1/provers/${id}/stake`, { amount: '60000' });
    deposits += 100_000n;
  }
  const requesters = Array.from({ length: REQUESTERS }, () => privateKeySigner(`0x${randomBytes(32).toString('hex')}`));
  for (const r of requesters) {
    await coordinator.ok('POST', '/v1/accounts/faucet', { address: r.address, amount: '1000000' });
    deposits += 1_000_000n;
  }

  // ── load ──
  const started = Date.now();
  const until = started + LOAD_BUDGET_MS;
  const submitted: Submitted[] = [];
  const verdicts: Verdict[] = [];
  let completions = 0;
  let killed: { at: number; inFlight: string } | undefined;
  let restarted = false;
  let requestersDone = false;
  let proversStop = false;

  const crash = (async () => {
    while (completions < KILL_AFTER_COMPLETIONS && Date.now() < until) await sleep(5);
    assert.ok(completions >= KILL_AFTER_COMPLETIONS, `only ${completions} completions before the budget ran out`);
    // kill while a result is being verified and settled (or, failing that within 5 s, whatever is going on)
    const by = Date.now() + 5_000;
    while (!(coordinator.inFlight.get('submit result')! > 0) && Date.now() < by) await sleep(1);
    await sleep(Math.floor(Math.random() * 25));
    const inFlight = [...coordinator.inFlight].filter(([, n]) => n > 0).map(([k, n]) => `${k}×${n}`).join(', ');
    await coordinator.proc!.stop('SIGKILL');
    killed = { at: completions, inFlight };
    await coordinator.start();
    restarted = true;
  })();

  const requesterLoop = async (signer: Signer, r: number) => {
    for (let n = 0; n < REQUESTS_EACH && Date.now() < until; n++) {
      const id = `crash-${r}-${n}`;
      const maxPrice = BigInt(100 + ((r * 37 + n * 101) % 900));
      const body = { request_id: id, requester: signer.address, program_id: program, input: LEDGER_INPUT_B64, backend: 'groth16', max_price: maxPrice.toString(), min_stake: MIN_STAKE.toString() };
      const made = await coordinator.retry('submit request', until, (url) => new ProofMarketClient({ baseUrl: url, signer }).submitRequest(body as T.SubmitRequestInput));
      assert.ok(!(made instanceof ProofMarketError), `request ${id}: ${made instanceof Error ? made.message : ''}`);
      const s: Submitted = { id, requester: signer.address, maxPrice };
      submitted.push(s);
      if (n % 3 === 2) {
        // cancel the one before: refunded if no prover has taken it yet, else refused (409 not_cancellable)
        const prev = submitted.find((x) => x.id === `crash-${r}-${n - 1}`)!;
        const res = await coordinator.retry('cancel', until, (url) => signedPost(url, signer, `/v1/requests/${prev.id}/cancel`));
        prev.cancel = res instanceof ProofMarketError ? res.code : res.status;
      }
      await sleep(15);
    }
  };

  const proverLoop = async (prover: string, corruptEvery: number) => {
    let taken = 0;
    while (!proversStop && Date.now() < until) {
      const task = await coordinator.retry('poll', until, (url) => new ProofMarketClient({ baseUrl: url }).assignTask(prover));
      if (task instanceof ProofMarketError) throw task;
      if (!task) {
        await sleep(20);
        continue;
      }
      taken++;
      const corrupted = corruptEvery > 0 && taken % corruptEvery === 0;
      let attempts = 0;
      const verdict = await coordinator.retry('submit result', until, (url) => {
        attempts++;
        return new ProofMarketClient({ baseUrl: url }).submitResult({ task_id: task.task_id, prover_id: prover, proof: corrupted ? proofs.corrupted : proofs.valid });
      });
      const outcome = verdict instanceof ProofMarketError ? verdict.code : verdict.verification_result;
      verdicts.push({ task: task.task_id, prover, corrupted, outcome, retried: attempts > 1 });
      if (outcome === 'Pass') completions++;
    }
  };

  const loops = [
    ...requesters.map((s, i) => requesterLoop(s, i)),
    // two loops per prover (capacity 3), so that several results are in flight at once
    proverLoop(PROVERS[0]!, 0),
    proverLoop(PROVERS[0]!, 0),
    proverLoop(PROVERS[1]!, 5),
    proverLoop(PROVERS[1]!, 7),
  ];
  const requesterLoops = Promise.all(loops.slice(0, REQUESTERS)).finally(() => (requestersDone = true));
  void requesterLoops.catch(() => undefined);

  // when every request is submitted, the provers go on until none is left open (or the budget runs out)
  const settle = (async () => {
    await requesterLoops;
    await crash;
    for (;;) {
      const open = await openRequests(coordinator, submitted);
      if (open.length === 0 || Date.now() > until - 20_000) break;
      await sleep(200);
    }
    proversStop = true;
  })();
  await Promise.all([...loops, crash, settle]).catch((err: unknown) => {
    coordinator.aborted = true;
    throw err;
  });
  assert.ok(requestersDone && restarted && killed, 'the coordinator was killed and restarted under load');

  // whatever is still open now is cancelled (a held one first goes back to pending after its proof timeout)
  for (;;) {
    const open = await openRequests(coordinator, submitted);
    if (open.length === 0) break;
    assert.ok(Date.now() < until, `requests still open at the end: ${open.map((o) => `${o.id}:${o.status}`).join(', ')}`);
    for (const o of open.filter((o) => o.status === 'pending')) await coordinator.json('POST', `/v1/requests/${o.id}/cancel`);
    await sleep(250);
  }

  // the provers withdraw part of what they earned
  for (const id of PROVERS) {
    const earned = BigInt((await coordinator.ok('GET', `/v1/provers/${id}/stake`)).earnings);
    if (earned < 2n) continue;
    await coordinator.ok('POST', '/v1/accounts/withdraw', { address: id, prover_id: id, amount: (earned / 2n).toString() });
    withdrawals += earned / 2n;
  }

  // ── the checks, through the API ──
  const audit = await coordinator.ok('GET', '/v1/ledger/audit');
  assert.deepEqual(audit.problems, [], 'the ledger audits clean after the crash');
  assert.equal(audit.ok, true);
  assert.equal(BigInt(audit.deposits), deposits, 'every deposit counted once');
  assert.equal(BigInt(audit.withdrawals), withdrawals);
  assert.equal(BigInt(audit.total), deposits - withdrawals, 'nothing lost: the accounts hold deposits − withdrawals');

  const statuses = new Map<string, { status: string; price: string | null }>();
  for (const s of submitted) {
    const r = await coordinator.ok('GET', `/v1/requests/${s.id}`);
    statuses.set(s.id, { status: r.status, price: r.price ?? null });
    const { movements } = await coordinator.ok('GET', `/v1/requests/${s.id}/ledger`);
    const ms = (movements as Array<{ kind: string; entries: Array<{ account: string; amount: string }> }>).map((m) => ({ ...m, entries: m.entries.map((e) => ({ account: e.account, amount: BigInt(e.amount) })) }));
    const what = `request ${s.id} (${r.status}): ${ms.map((m) => m.kind).join(', ')}`;
    assert.equal(countKind(ms, 'escrow'), 1, `${what}: escrowed exactly once`);
    assert.ok(countKind(ms, 'settle') <= 1, `${what}: settled at most once`);
    assert.ok(countKind(ms, 'refund') <= 1, `${what}: refunded at most once`);
    assert.equal(countKind(ms, 'lock'), countKind(ms, 'unlock') + countKind(ms, 'slash'), `${what}: every stake lock closed exactly once`);
    if (r.status === 'completed') {
      assert.equal(countKind(ms, 'settle'), 1, `${what}: paid exactly once`);
      assert.equal(countKind(ms, 'refund'), 0, `${what}: a paid request is not refunded`);
      const settle = ms.find((m) => m.kind === 'settle')!;
      const paid = settle.entries.filter((e) => e.account.startsWith('earnings:') || e.account === 'treasury').reduce((a, e) => a + e.amount, 0n);
      assert.equal(paid, BigInt(r.price), `${what}: the prover and the treasury got the price`);
    } else {
      assert.equal(r.status, 'failed', `${what}: closed`);
      assert.equal(countKind(ms, 'settle'), 0, `${what}: a failed request is not paid`);
      assert.equal(countKind(ms, 'refund'), 1, `${what}: refunded exactly once`);
    }
  }

  // what the provers were told agrees with the ledger: a Pass is a completed request paid to that prover
  for (const v of verdicts) {
    const s = statuses.get(v.task);
    assert.ok(s, `a verdict for an unknown request ${v.task}`);
    if (v.outcome === 'Pass') assert.equal(s.status, 'completed', `${v.task}: ${v.prover} was told Pass`);
    if (v.outcome === 'Fail') assert.equal(s.status, 'failed', `${v.task}: a rejected proof fails it (max attempts 1)`);
  }

  const completed = [...statuses.values()].filter((s) => s.status === 'completed');
  const cancelled = submitted.filter((s) => s.cancel === 200).length;
  const summary = {
    requests: submitted.length,
    completed: completed.length,
    failed: submitted.length - completed.length,
    cancelled,
    cancelRefused: submitted.filter((s) => s.cancel !== undefined && s.cancel !== 200).length,
    killedAfter: killed!.at,
    inFlightAtKill: killed!.inFlight || 'none',
    resubmittedResults: verdicts.filter((v) => v.retried).map((v) => `${v.task}:${v.outcome}`).join(' ') || 'none',
    seconds: ((Date.now() - started) / 1000).toFixed(1),
  };
  console.log(`# ${JSON.stringify(summary)}`);
  assert.ok(completed.length >= KILL_AFTER_COMPLETIONS, 'the load completed requests');

  // ── the checks, in the store itself (after a clean stop) ──
  assert.equal(await coordinator.proc!.stop('SIGTERM'), 0, 'a graceful stop exits 0');
  const db = await openStore();
  try {
    const again = await ledger.audit(db);
    assert.deepEqual(again.problems, []);
    const twice = await db.query(`SELECT cause_id, kind, count(*)::int AS n FROM ledger_movements WHERE kind IN ('settle', 'refund') GROUP BY cause_id, kind HAVING count(*) > 1`);
    assert.deepEqual(twice, [], 'no request settled or refunded twice');
    const both = await db.query(`SELECT cause_id FROM ledger_movements WHERE kind IN ('settle', 'refund') GROUP BY cause_id HAVING count(DISTINCT kind) > 1`);
    assert.deepEqual(both, [], 'no request both settled and refunded');
    const [sums] = await db.query<{ prices: string; earnings: string; treasury: string; withdrawn: string }>(
      `SELECT (SELECT COALESCE(sum(price), 0)::text FROM tasks WHERE status = 'completed') AS prices,
              (SELECT COALESCE(sum(balance), 0)::text FROM accounts WHERE starts_with(account, 'earnings:')) AS earnings,
              (SELECT COALESCE(sum(balance), 0)::text FROM accounts WHERE account = 'treasury') AS treasury,
              (SELECT COALESCE(-sum(e.amount), 0)::text FROM ledger_entries e JOIN ledger_movements m ON m.id = e.movement_id
                WHERE m.kind = 'withdraw' AND starts_with(e.account, 'earnings:')) AS withdrawn`,
    );
    assert.equal(BigInt(sums!.earnings) + BigInt(sums!.withdrawn) + BigInt(sums!.treasury), BigInt(sums!.prices), 'the provers\' earnings and the treasury are the prices of the completed requests');
    assert.equal(BigInt(sums!.treasury), completed.reduce((a, s) => a + (BigInt(s.price!) * BigInt(FEE_BPS)) / 10_000n, 0n), 'the treasury holds the protocol fees');
    const [open] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM stake_locks WHERE state = 'locked'`);
    assert.equal(open!.n, 0, 'no stake stays locked once every request is closed');
    // Every assignment got its stake lock. Asserted on PostgreSQL only: on PGlite the claim and the lock are two
    // commits, so a kill between them leaves an assignment without a lock (reported). Slashes are reported too:
    // a poll whose answer the kill lost leaves the prover holding a request it never saw, and a result lost
    // with the connection is not delivered before the proof timeout, if the restart takes longer than that.
    const unlocked = await db.query<{ task_id: string; assigned: number; handed_back: number; locks: number }>(
      `SELECT t.task_id,
              (SELECT count(*)::int FROM events e WHERE e.task_id = t.task_id AND e.to_status = 'assigned') AS assigned,
              (SELECT count(*)::int FROM events e WHERE e.task_id = t.task_id AND e.cause = 'prover_released' AND e.detail ? 'reason') AS handed_back,
              (SELECT count(*)::int FROM ledger_movements m WHERE m.cause_type = 'request' AND m.cause_id = t.task_id AND m.kind = 'lock') AS locks
       FROM tasks t WHERE t.min_stake > 0`,
    );
    const slashes = await db.query<{ task_id: string }>(`SELECT task_id FROM slashes`);
    const gaps = unlocked.filter((r) => r.assigned - r.handed_back !== r.locks).map((r) => r.task_id);
    console.log(`# assignments without a stake lock: ${gaps.join(' ') || 'none'}; slashed: ${slashes.map((r) => r.task_id).join(' ') || 'none'}`);
    if (oneCommitClaims) assert.deepEqual(gaps, [], 'every assignment locked its stake');
  } finally {
    await db.close();
  }
}

/** The submitted requests not yet completed or failed. */
async function openRequests(c: Coordinator, submitted: readonly Submitted[]): Promise<Array<{ id: string; status: string }>> {
  const out: Array<{ id: string; status: string }> = [];
  for (const s of submitted) {
    const r = await c.json('GET', `/v1/requests/${s.id}`).catch(() => ({ status: 0, body: { status: 'unreachable' } }));
    if (r.body?.status !== 'completed' && r.body?.status !== 'failed') out.push({ id: s.id, status: r.body?.status ?? String(r.status) });
  }
  return out;
}

/** A signed POST without a body (the SDK has no call for cancelling): its status, or a ProofMarketError. */
async function signedPost(url: string, signer: Signer, path: string): Promise<{ status: number }> {
  const headers = await signer.sign({ method: 'POST', host: new URL(url).host, path, body: '' });
  const res = await fetch(url + path, { method: 'POST', headers });
  const text = await res.text();
  if (res.status >= 400) {
    const code = (() => {
      try {
        return JSON.parse(text).error.code as string;
      } catch {
        return `http_${res.status}`;
      }
    })();
    throw new ProofMarketError(res.status, code, text);
  }
  return { status: res.status };
}

for (const store of storesUnderTest()) {
  test(`a kill -9 during settlements loses and doubles nothing: ${store.name}`, { skip: store.skip, timeout: 240_000 }, async (t) => {
    if (store.postgres) {
      const url = await freshPostgres();
      await exercise(t, ['--database-url', url], () => openDb({ databaseUrl: url }), true);
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'pm-ledger-crash-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const dataDir = join(dir, 'db');
      await exercise(t, ['--data-dir', dataDir], () => openDb({ dataDir }), false);
    }
  });
}
