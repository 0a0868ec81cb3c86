// The ledger property (issue #5 §5): after ANY random sequence of deposits, faucet grants, requests, stakes,
// polls, takes, verified and rejected proofs, timeouts, deadline expiries, hand-backs, cancellations,
// unstakes (and their payout) and withdrawals, the ledger audits clean (every movement balanced, every balance
// the sum of its entries, nothing negative but `external`, the accounts summing to deposits − withdrawals,
// every open stake lock behind a live assignment of its prover).
//
// A model kept by the test predicts every HTTP status and every account's balance, and is compared with the
// whole accounts table after each step, so a refused call (402/403/404/409) that moved anything, or a
// settlement, refund or slash that moved the wrong amount (even a balanced one), fails at once. At the end
// of each run every request is checked against its movements: a completed one has exactly one settlement and
// no refund, a failed one exactly one refund (none if it escrowed nothing), never both; locks, unlocks and
// slashes as the model counted them.
//
// One coordinator serves every run (the invariants are global); each run first moves the clock a day on,
// so earlier runs' provers are offline and their requests closed, then works with fresh participants.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { OPEN_FAUCET_GRANT } from '../src/coordinator/market.ts';
import { DEFAULT_ECONOMICS, accounts, bpsOf, type EconomicsConfig } from '../src/domain/ledger.ts';
import type { Signer } from '../src/sdk/signer.ts';
import type { Db } from '../src/store/db.ts';
import * as ledger from '../src/store/ledger.ts';
import { testCoordinator, type TestCoordinator } from './support/coordinator.ts';
import { allBalances, countKind, LEDGER_INPUT_B64, ledgerProofs, type LedgerProofs } from './support/economy.ts';
import { storesUnderTest } from './support/services.ts';
import { signedCall, testSigner } from './support/signing.ts';

after(() => terminateCurves());

const PROOF_TIMEOUT_MS = 60_000;
const TASK_DEADLINE_MS = 10 * 60_000;
/** Longer than any run moves the clock, so a run's own provers never go offline; each run starts a day later. */
const HEARTBEAT_TIMEOUT_MS = 24 * 3_600_000;
const MAX_ATTEMPTS = 2;
const ECONOMICS: EconomicsConfig = {
  ...DEFAULT_ECONOMICS,
  protocolFeeBps: 250,
  overcommitBps: 5_000,
  slashBps: 7_500,
  slashBurnBps: 5_000,
  unstakeDelayMs: 5 * 60_000,
};
const NUM_RUNS = Number(process.env.LEDGER_PROPERTY_RUNS ?? 25);
const SEED = process.env.LEDGER_PROPERTY_SEED === undefined ? undefined : Number(process.env.LEDGER_PROPERTY_SEED);

// ── actions ────────────────────────────────────────────────────────────────────────────────────────

/** Participants: 0, 1 are signed requesters, 2 an unsigned one (--open), 3..5 the provers' own balances. */
type Who = number;
type Action =
  | { t: 'faucet'; who: Who; amount: bigint }
  | { t: 'deposit'; r: number; amount: bigint }
  | { t: 'register'; p: number; capacity: number; basePrice: bigint }
  | { t: 'stake'; p: number; pct: number }
  | { t: 'request'; r: number; maxPrice: bigint; minStake: bigint; deadline: number | null }
  /** A poll, and what the prover then does with a request it got: nothing yet, or a valid or corrupted proof. */
  | { t: 'poll'; p: number; then: 'none' | 'valid' | 'corrupted' }
  | { t: 'take'; p: number; task: number; overbid: boolean }
  | { t: 'start'; task: number }
  | { t: 'release'; task: number }
  | { t: 'prove'; task: number; valid: boolean; by: number | null }
  | { t: 'advance'; ms: number }
  | { t: 'timeout' }
  | { t: 'expire' }
  | { t: 'payout' }
  | { t: 'cancel'; task: number; as: 'requester' | 'stranger' | 'unsigned' }
  | { t: 'unstake'; p: number; pct: number; stranger: boolean }
  | { t: 'withdraw'; who: Who; pct: number; stranger: boolean }
  | { t: 'withdrawEarnings'; p: number; pct: number; stranger: boolean };

const slot = fc.nat(2);
const pick = fc.nat(999);
/** A share of the relevant balance, in percent; above 100 asks for more than there is (a 402). */
const pct = fc.integer({ min: 1, max: 130 });
const money = (max: bigint) => fc.bigInt({ min: 1n, max });
const k = <T extends string>(t: T) => fc.constant(t);

const arbRequest = fc.record({
  t: k('request'),
  r: fc.nat(2),
  maxPrice: fc.oneof({ weight: 1, arbitrary: fc.constant(0n) }, { weight: 8, arbitrary: money(1_500n) }),
  minStake: fc.constantFrom(0n, 0n, 7n, 33n, 33n, 120n, 1_000n),
  deadline: fc.constantFrom(null, null, null, 0.5, 1.5),
});

const arbAction: fc.Arbitrary<Action> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ t: k('faucet'), who: fc.nat(5), amount: money(3_000n) }) },
  { weight: 1, arbitrary: fc.record({ t: k('deposit'), r: fc.nat(1), amount: money(3_000n) }) },
  { weight: 1, arbitrary: fc.record({ t: k('register'), p: slot, capacity: fc.integer({ min: 1, max: 3 }), basePrice: fc.constantFrom(0n, 40n, 400n) }) },
  { weight: 1, arbitrary: fc.record({ t: k('stake'), p: slot, pct }) },
  { weight: 6, arbitrary: arbRequest },
  { weight: 10, arbitrary: fc.record({ t: k('poll'), p: slot, then: fc.constantFrom('none' as const, 'none' as const, 'valid' as const, 'valid' as const, 'corrupted' as const) }) },
  { weight: 2, arbitrary: fc.record({ t: k('take'), p: slot, task: pick, overbid: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: k('start'), task: pick }) },
  { weight: 1, arbitrary: fc.record({ t: k('release'), task: pick }) },
  { weight: 3, arbitrary: fc.record({ t: k('prove'), task: pick, valid: fc.constantFrom(true, true, false), by: fc.option(slot, { freq: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ t: k('advance'), ms: fc.integer({ min: 0, max: PROOF_TIMEOUT_MS }) }) },
  { weight: 2, arbitrary: fc.record({ t: k('timeout') }) },
  { weight: 1, arbitrary: fc.record({ t: k('expire') }) },
  { weight: 1, arbitrary: fc.record({ t: k('payout') }) },
  { weight: 2, arbitrary: fc.record({ t: k('cancel'), task: pick, as: fc.constantFrom('requester' as const, 'stranger' as const, 'unsigned' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: k('unstake'), p: slot, pct, stranger: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: k('withdraw'), who: fc.nat(5), pct, stranger: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: k('withdrawEarnings'), p: slot, pct, stranger: fc.boolean() }) },
);

/** Each run starts with 1-3 provers registered, funded and staked, and its requesters funded (all shrinkable). */
const arbSetup = fc.record({
  provers: fc.array(
    fc.record({ capacity: fc.integer({ min: 1, max: 3 }), basePrice: fc.constantFrom(0n, 0n, 40n), fund: fc.bigInt({ min: 0n, max: 3_000n }), stakePct: fc.integer({ min: 0, max: 100 }) }),
    { minLength: 2, maxLength: 3 },
  ),
  funds: fc.tuple(fc.bigInt({ min: 0n, max: 5_000n }), fc.bigInt({ min: 300n, max: 5_000n })),
  requests: fc.array(arbRequest, { maxLength: 3 }),
});

type Setup = typeof arbSetup extends fc.Arbitrary<infer S> ? S : never;

function setupActions(s: Setup): Action[] {
  const out: Action[] = [];
  s.provers.forEach((p, i) => {
    out.push({ t: 'register', p: i, capacity: p.capacity, basePrice: p.basePrice });
    if (p.fund > 0n) out.push({ t: 'faucet', who: 3 + i, amount: p.fund });
    if (p.fund > 0n && p.stakePct > 0) out.push({ t: 'stake', p: i, pct: p.stakePct });
  });
  s.funds.forEach((f, r) => f > 0n && out.push({ t: 'faucet', who: r, amount: f }));
  return [...out, ...s.requests];
}

// ── the model ──────────────────────────────────────────────────────────────────────────────────────

type Status = 'pending' | 'assigned' | 'in_progress' | 'completed' | 'failed';
interface TaskM {
  id: string;
  requester: string;
  r: number;
  maxPrice: bigint;
  minStake: bigint;
  /** What its creation escrowed. */
  escrowed: bigint;
  status: Status;
  holder: string | null;
  assignedAt: number | null;
  handedOut: boolean;
  attempts: number;
  excluded: string[];
  deadline: number;
  price: bigint | null;
  /** The open stake lock's amount. */
  lock: bigint | null;
  locks: number;
  unlocks: number;
  slashes: number;
}
interface ProverM {
  id: string;
  capacity: number;
  basePrice: bigint;
}
interface UnstakeM {
  prover: string;
  amount: bigint;
  availableAt: number;
  paid: boolean;
}

const held = (t: TaskM) => t.status === 'assigned' || t.status === 'in_progress';

let runNo = 0;
/** What the runs covered, for the summary line. */
const tally = { completed: 0, failed: 0, refunded: 0, locked: 0, slashed: 0, unstakesPaid: 0 };

class Run {
  readonly n = ++runNo;
  readonly acct: Map<string, bigint>;
  readonly signers: Signer[];
  readonly stranger: Signer;
  readonly unsignedRequester: string;
  readonly proverIds: string[];
  readonly provers: Array<ProverM | undefined> = [undefined, undefined, undefined];
  readonly tasks: TaskM[] = [];
  readonly unstakes: UnstakeM[] = [];
  readonly log: string[] = [];
  /** Deposits and withdrawals as the test made them, from the ledger's figures at the start of the run. */
  readonly flows: { deposits: bigint; withdrawals: bigint };

  constructor(
    readonly c: TestCoordinator,
    readonly program: string,
    readonly proofs: LedgerProofs,
    snapshot: Map<string, bigint>,
    start: { deposits: bigint; withdrawals: bigint },
  ) {
    this.acct = new Map(snapshot);
    this.flows = { ...start };
    this.signers = [testSigner(c), testSigner(c)];
    this.stranger = testSigner(c);
    this.unsignedRequester = `carol-${this.n}`;
    this.proverIds = [0, 1, 2].map((i) => `lp-${this.n}-${i}`);
  }

  now(): number {
    return this.c.clock.now().getTime();
  }
  bal(account: string): bigint {
    return this.acct.get(account) ?? 0n;
  }
  move(from: string, to: string, amount: bigint): void {
    this.acct.set(from, this.bal(from) - amount);
    this.acct.set(to, this.bal(to) + amount);
  }
  credit(account: string, amount: bigint): void {
    this.acct.set(account, this.bal(account) + amount);
  }
  address(who: Who): string {
    return who < 2 ? this.signers[who]!.address : who === 2 ? this.unsignedRequester : this.proverIds[who - 3]!;
  }
  task(i: number): TaskM | undefined {
    return this.tasks.length === 0 ? undefined : this.tasks[i % this.tasks.length];
  }
  share(balance: bigint, p: number): bigint {
    const a = (balance * BigInt(p)) / 100n;
    return a > 0n ? a : 1n;
  }

  // ── money rules, as the issue states them ──

  lock(t: TaskM, prover: string): void {
    if (t.minStake === 0n) return;
    this.move(accounts.stake(prover), accounts.locked(prover), t.minStake);
    t.lock = t.minStake;
    t.locks++;
  }
  release(t: TaskM, prover: string): void {
    if (t.lock === null) return;
    this.move(accounts.locked(prover), accounts.stake(prover), t.lock);
    t.lock = null;
    t.unlocks++;
  }
  /** The holder missed its deadline `ref`: slashBps of the lock taken, slashBurnBps of that burned, the rest to the requester. */
  slash(t: TaskM, prover: string, ref: number): void {
    if (t.lock === null) return;
    const late = this.now() - ref;
    if (late < 0 || late > ECONOMICS.slashWindowMs) return this.release(t, prover);
    const slashed = bpsOf(t.lock, ECONOMICS.slashBps);
    const burned = bpsOf(slashed, ECONOMICS.slashBurnBps);
    this.credit(accounts.locked(prover), -t.lock);
    this.credit(accounts.stake(prover), t.lock - slashed);
    this.credit(accounts.burned, burned);
    this.credit(accounts.balance(t.requester), slashed - burned);
    t.lock = null;
    t.slashes++;
  }
  refund(t: TaskM): void {
    const e = this.bal(accounts.escrow(t.id));
    if (e > 0n) this.move(accounts.escrow(t.id), accounts.balance(t.requester), e);
  }
  settle(t: TaskM, prover: string): void {
    const escrowed = this.bal(accounts.escrow(t.id));
    let price = t.price ?? t.maxPrice;
    if (price > escrowed) price = escrowed;
    const fee = bpsOf(price, ECONOMICS.protocolFeeBps);
    this.credit(accounts.escrow(t.id), -escrowed);
    this.credit(accounts.earnings(prover), price - fee);
    this.credit(accounts.treasury, fee);
    this.credit(accounts.balance(t.requester), escrowed - price);
    t.price = price;
    this.release(t, prover);
  }
  /** Free stake covers min_stake plus overcommit_bps of what is locked (src/domain/ledger.ts coversNewLock). */
  covers(prover: string, minStake: bigint): boolean {
    if (minStake === 0n) return true;
    return this.bal(accounts.stake(prover)) >= minStake + bpsOf(this.bal(accounts.locked(prover)), ECONOMICS.overcommitBps);
  }
  heldBy(prover: string): TaskM[] {
    return this.tasks.filter((t) => held(t) && t.holder === prover);
  }
  claim(t: TaskM, prover: string, handedOut: boolean): void {
    t.status = 'assigned';
    t.holder = prover;
    t.assignedAt = this.now();
    t.handedOut = handedOut;
    t.price = t.maxPrice;
    this.lock(t, prover);
  }
  unassign(t: TaskM): void {
    t.holder = null;
    t.assignedAt = null;
    t.price = null;
  }

  /** What one poll claims: a won request not yet handed out, else the oldest pending request it may take. */
  predictPoll(p: ProverM): TaskM | null {
    const won = this.tasks.find((t) => t.status === 'assigned' && t.holder === p.id && !t.handedOut);
    if (won) {
      won.handedOut = true;
      return won;
    }
    if (this.heldBy(p.id).length >= p.capacity) return null;
    const active = this.provers.filter((q): q is ProverM => q !== undefined);
    const next = this.tasks.find(
      (t) =>
        t.status === 'pending' &&
        p.basePrice <= t.maxPrice &&
        this.covers(p.id, t.minStake) &&
        // a prover whose proof was rejected retakes the request only when no other active prover could
        (!t.excluded.includes(p.id) || !active.some((q) => !t.excluded.includes(q.id))),
    );
    if (!next) return null;
    this.claim(next, p.id, true);
    return next;
  }

  /** One pass of the sweep at the current time (src/coordinator/market.ts sweep). */
  sweep(): void {
    const now = this.now();
    for (const t of this.tasks.filter((t) => held(t) && t.assignedAt! < now - PROOF_TIMEOUT_MS)) {
      const prover = t.holder!;
      const ref = t.assignedAt! + PROOF_TIMEOUT_MS;
      t.status = 'pending';
      t.handedOut = true;
      this.unassign(t);
      this.slash(t, prover, ref);
    }
    for (const t of this.tasks.filter((t) => (t.status === 'pending' || held(t)) && t.deadline < now)) {
      if (held(t)) this.slash(t, t.holder!, t.deadline);
      this.refund(t);
      t.status = 'failed';
      this.unassign(t);
    }
    for (const u of this.unstakes.filter((u) => !u.paid && u.availableAt <= now)) {
      this.move(accounts.unstaking(u.prover), accounts.balance(u.prover), u.amount);
      u.paid = true;
    }
  }
}

// ── the test ───────────────────────────────────────────────────────────────────────────────────────

for (const store of storesUnderTest()) {
  describe(`ledger property on ${store.name}`, { skip: store.skip }, () => {
    let c: TestCoordinator;
    let db: Db | undefined;
    let program: string;
    let proofs: LedgerProofs;
    before(async () => {
      db = store.postgres ? ((await store.open())!) : undefined;
      c = await testCoordinator(
        { proofTimeoutMs: PROOF_TIMEOUT_MS, taskDeadlineMs: TASK_DEADLINE_MS, heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS, maxAttempts: MAX_ATTEMPTS, economics: ECONOMICS },
        db,
      );
      const programs = (await c.call('GET', '/programs')).body as Array<{ program_id: string; name: string; proof_system: string }>;
      program = programs.find((p) => p.name === 'data-commitment' && p.proof_system === 'groth16')!.program_id;
      proofs = await ledgerProofs();
      for (const key of Object.keys(tally) as Array<keyof typeof tally>) tally[key] = 0;
    });
    after(async () => {
      await c?.close();
      await db?.close();
    });

    test('any sequence of economic events leaves the ledger balanced and every request paid or refunded exactly once', async () => {
      let runs = 0;
      let steps = 0;
      const seen = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(arbSetup, fc.noBias(fc.array(arbAction, { minLength: 4, maxLength: 20 })), async (setup, actions) => {
          runs++;
          // a day on: every earlier run's provers go offline and its open requests expire
          c.clock.advance(HEARTBEAT_TIMEOUT_MS + TASK_DEADLINE_MS + ECONOMICS.unstakeDelayMs);
          await c.market.sweep();
          // The ledger is shared by all runs: a run (or a shrink) that starts on a ledger an earlier failing run
          // broke is skipped, so that the counterexample reported is one that breaks it by itself.
          const start = (await c.call('GET', '/v1/ledger/audit')).body as { ok: boolean; deposits: string; withdrawals: string };
          fc.pre(start.ok);
          const run = new Run(c, program, proofs, await allBalances(c.db), { deposits: BigInt(start.deposits), withdrawals: BigInt(start.withdrawals) });
          for (const action of [...setupActions(setup), ...actions]) {
            const outcome = await step(run, action);
            steps++;
            seen.set(`${action.t}:${outcome}`, (seen.get(`${action.t}:${outcome}`) ?? 0) + 1);
            await compare(run, `${action.t} ${JSON.stringify(action, big)} → ${outcome}`);
          }
          // close the run: every deadline and unstake delay passes
          c.clock.advance(TASK_DEADLINE_MS + ECONOMICS.unstakeDelayMs + 1);
          await c.market.sweep();
          run.sweep();
          run.log.push('close: sweep past every deadline');
          await compare(run, 'the closing sweep');
          await finalChecks(run);
        }),
        { numRuns: NUM_RUNS, seed: SEED, interruptAfterTimeLimit: 5 * 60_000, markInterruptAsFailure: true, includeErrorInReport: true },
      );
      const covered = Object.entries(tally).map(([k, n]) => `${k}=${n}`).join(' ');
      const summary = [...seen].sort().map(([k, n]) => `${k}=${n}`).join(' ');
      console.log(`# ledger property on ${store.name}: ${runs} runs, ${steps} steps; requests: ${covered}; steps: ${summary}`);
    });

    /** Compares every account and every request of the run with the model. */
    async function compare(run: Run, after: string): Promise<void> {
      const actual = await allBalances(c.db);
      const diffs: string[] = [];
      for (const a of new Set([...actual.keys(), ...run.acct.keys()])) {
        const got = actual.get(a) ?? 0n;
        const want = run.acct.get(a) ?? 0n;
        if (got !== want) diffs.push(`${a}: ledger ${got}, model ${want}`);
      }
      const ids = run.tasks.map((t) => t.id);
      const rows = await c.db.query<{ task_id: string; status: string; assigned_prover: string | null; attempts: number }>(
        `SELECT task_id, status, assigned_prover, attempts FROM tasks WHERE task_id = ANY($1::text[])`,
        [ids],
      );
      const byId = new Map(rows.map((r) => [r.task_id, r]));
      for (const t of run.tasks) {
        const r = byId.get(t.id);
        const got = r && `${r.status}/${r.assigned_prover ?? '-'}/${r.attempts}`;
        const want = `${t.status}/${t.holder ?? '-'}/${t.attempts}`;
        if (got !== want) diffs.push(`request ${t.id}: store ${got}, model ${want}`);
      }
      assert.deepEqual(diffs, [], `after ${after}\n${run.log.join('\n')}`);
    }

    async function auditTotal(): Promise<bigint> {
      return BigInt((await c.call('GET', '/v1/ledger/audit')).body.total);
    }

    /** A call the model expects to be refused: its status, and that neither the ledger's total nor the payer's account moved. */
    async function refused(run: Run, expected: number, payer: string, call: () => Promise<{ status: number; raw: string }>): Promise<string> {
      const total = await auditTotal();
      const before = await ledger.balance(c.db, payer);
      assert.equal(before, run.bal(payer), `${payer} before a refused call`);
      const r = await call();
      assert.equal(r.status, expected, `expected ${expected}, got ${r.status}: ${r.raw}\n${run.log.join('\n')}`);
      assert.equal(await auditTotal(), total, `a refused call (${r.raw}) changed the ledger's total`);
      assert.equal(await ledger.balance(c.db, payer), before, `a refused call (${r.raw}) moved ${payer}`);
      return String(expected);
    }

    function ok(run: Run, r: { status: number; raw: string }, expected = 200): void {
      assert.equal(r.status, expected, `expected ${expected}, got ${r.status}: ${r.raw}\n${run.log.join('\n')}`);
    }

    /** Runs one action against the coordinator and the model; answers a short outcome for the summary. */
    async function step(run: Run, a: Action): Promise<string> {
      run.log.push(`${a.t} ${JSON.stringify(a, big)}`);
      switch (a.t) {
        case 'faucet': {
          const who = run.address(a.who);
          ok(run, await c.call('POST', '/v1/accounts/faucet', { address: who, amount: a.amount.toString() }));
          run.move(accounts.external, accounts.balance(who), a.amount);
          run.flows.deposits += a.amount;
          return '200';
        }
        case 'deposit': {
          const s = run.signers[a.r]!;
          ok(run, await signedCall(c, s, 'POST', '/v1/accounts/deposit', { amount: a.amount.toString() }));
          run.move(accounts.external, accounts.balance(s.address), a.amount);
          run.flows.deposits += a.amount;
          return '200';
        }
        case 'register': {
          if (run.provers[a.p]) return 'skip';
          const id = run.proverIds[a.p]!;
          ok(run, await c.call('POST', '/provers/register', { prover_id: id, supported_levels: [1], capacity: a.capacity, base_price: a.basePrice.toString(), backends: ['groth16'] }));
          run.provers[a.p] = { id, capacity: a.capacity, basePrice: a.basePrice };
          return '200';
        }
        case 'stake': {
          const id = run.proverIds[a.p]!;
          const amount = run.share(run.bal(accounts.balance(id)), a.pct);
          const call = () => c.call('POST', `/v1/provers/${id}/stake`, { amount: amount.toString() });
          if (!run.provers[a.p]) return refused(run, 404, accounts.balance(id), call);
          if (run.bal(accounts.balance(id)) < amount) return refused(run, 402, accounts.balance(id), call);
          ok(run, await call());
          run.move(accounts.balance(id), accounts.stake(id), amount);
          return '200';
        }
        case 'request': {
          const requester = run.address(a.r);
          const id = `lr-${run.n}-${run.tasks.length}`;
          const body = {
            request_id: id,
            program_id: run.program,
            input: LEDGER_INPUT_B64,
            backend: 'groth16',
            max_price: a.maxPrice.toString(),
            min_stake: a.minStake.toString(),
            ...(a.deadline === null ? {} : { deadline: a.deadline }),
          };
          const call = () => (a.r < 2 ? signedCall(c, run.signers[a.r]!, 'POST', '/v1/requests', body) : c.call('POST', '/v1/requests', { ...body, requester }));
          if (a.r < 2 && run.bal(accounts.balance(requester)) < a.maxPrice) {
            const out = await refused(run, 402, accounts.balance(requester), call);
            assert.equal((await c.call('GET', `/v1/requests/${id}`)).status, 404, 'a refused request is not stored');
            return out;
          }
          ok(run, await call(), 201);
          if (a.r === 2) {
            // --open: an unsigned requester short of funds is topped up by the faucet first
            // (at least OPEN_FAUCET_GRANT at a time)
            const short = a.maxPrice - run.bal(accounts.balance(requester));
            if (short > 0n) {
              const grant = short > OPEN_FAUCET_GRANT ? short : OPEN_FAUCET_GRANT;
              run.move(accounts.external, accounts.balance(requester), grant);
              run.flows.deposits += grant;
            }
          }
          if (a.maxPrice > 0n) run.move(accounts.balance(requester), accounts.escrow(id), a.maxPrice);
          run.tasks.push({
            id,
            requester,
            r: a.r,
            maxPrice: a.maxPrice,
            minStake: a.minStake,
            escrowed: a.maxPrice,
            status: 'pending',
            holder: null,
            assignedAt: null,
            handedOut: true,
            attempts: 0,
            excluded: [],
            deadline: run.now() + (a.deadline === null ? TASK_DEADLINE_MS : a.deadline * 60_000),
            price: null,
            lock: null,
            locks: 0,
            unlocks: 0,
            slashes: 0,
          });
          return '201';
        }
        case 'poll': {
          const p = run.provers[a.p];
          const id = run.proverIds[a.p]!;
          if (!p) return refused(run, 404, accounts.stake(id), () => c.call('GET', `/tasks/assign/${id}`));
          const want = run.predictPoll(p);
          const r = await c.call('GET', `/tasks/assign/${id}`);
          ok(run, r);
          assert.equal(r.body?.task_id ?? null, want?.id ?? null, `poll by ${id}\n${run.log.join('\n')}`);
          if (!want) return 'none';
          if (a.then === 'none') return 'claimed';
          await compare(run, `poll ${JSON.stringify(a)}`);
          return `claimed+${await prove(run, want, id, a.then === 'valid')}`;
        }
        case 'take': {
          const t = run.task(a.task);
          if (!t) return 'skip';
          const p = run.provers[a.p];
          const id = run.proverIds[a.p]!;
          const fee = a.overbid ? t.maxPrice + 1n : t.maxPrice;
          const call = () => c.call('POST', `/v1/auctions/${t.id}/bids`, { prover_id: id, fee: fee.toString() });
          if (!p) return refused(run, 404, accounts.stake(id), call);
          const problem =
            t.status !== 'pending' ? 'phase_closed'
            : t.excluded.includes(id) ? 'prover_excluded'
            : run.heldBy(id).length >= p.capacity ? 'capacity_full'
            : fee > t.maxPrice || p.basePrice > t.maxPrice ? 'price_above_max'
            : !run.covers(id, t.minStake) ? 'stake_insufficient'
            : null;
          if (problem) {
            const out = await refused(run, 409, accounts.stake(id), call);
            return `${out}:${problem}`;
          }
          const r = await call();
          ok(run, r);
          assert.equal(r.body.assigned, true);
          run.claim(t, id, false);
          return '200';
        }
        case 'start': {
          const t = run.task(a.task);
          if (!t || !held(t)) return 'skip';
          ok(run, await c.call('POST', `/v1/tasks/${t.id}/start`, { prover_id: t.holder }));
          t.status = 'in_progress';
          return '200';
        }
        case 'release': {
          const t = run.task(a.task);
          if (!t || !held(t)) return 'skip';
          const prover = t.holder!;
          ok(run, await c.call('POST', `/v1/tasks/${t.id}/release`, { prover_id: prover }));
          t.status = 'pending';
          t.handedOut = true;
          run.unassign(t);
          run.release(t, prover);
          return '200';
        }
        case 'prove': {
          // by the holder: one of the held requests if there is any
          const heldNow = run.tasks.filter(held);
          const t = a.by === null && heldNow.length > 0 ? heldNow[a.task % heldNow.length] : run.task(a.task);
          if (!t) return 'skip';
          return prove(run, t, a.by === null ? (t.holder ?? run.proverIds[0]!) : run.proverIds[a.by]!, a.valid);
        }
        case 'advance':
        case 'timeout':
        case 'expire':
        case 'payout': {
          const ms = a.t === 'advance' ? a.ms : a.t === 'timeout' ? PROOF_TIMEOUT_MS + 1 : a.t === 'expire' ? TASK_DEADLINE_MS + 1 : ECONOMICS.unstakeDelayMs + 1;
          c.clock.advance(ms);
          await c.market.sweep();
          run.sweep();
          return 'swept';
        }
        case 'cancel': {
          const t = run.task(a.task);
          if (!t) return 'skip';
          const url = `/v1/requests/${t.id}/cancel`;
          const call =
            a.as === 'stranger' ? () => signedCall(c, run.stranger, 'POST', url)
            : a.as === 'requester' && t.r < 2 ? () => signedCall(c, run.signers[t.r]!, 'POST', url)
            : () => c.call('POST', url);
          if (a.as === 'stranger') return refused(run, 403, accounts.balance(t.requester), call);
          if (t.status !== 'pending') return refused(run, 409, accounts.balance(t.requester), call);
          ok(run, await call());
          run.refund(t);
          t.status = 'failed';
          return '200';
        }
        case 'unstake': {
          const id = run.proverIds[a.p]!;
          const amount = run.share(run.bal(accounts.stake(id)), a.pct);
          const url = `/v1/provers/${id}/unstake`;
          const body = { amount: amount.toString() };
          const call = a.stranger ? () => signedCall(c, run.stranger, 'POST', url, body) : () => c.call('POST', url, body);
          if (!run.provers[a.p]) return refused(run, 404, accounts.stake(id), call);
          if (a.stranger) return refused(run, 403, accounts.stake(id), call);
          if (run.bal(accounts.stake(id)) < amount) return refused(run, 402, accounts.stake(id), call);
          ok(run, await call());
          run.move(accounts.stake(id), accounts.unstaking(id), amount);
          run.unstakes.push({ prover: id, amount, availableAt: run.now() + ECONOMICS.unstakeDelayMs, paid: false });
          return '200';
        }
        case 'withdraw': {
          const who = run.address(a.who);
          const amount = run.share(run.bal(accounts.balance(who)), a.pct);
          const url = '/v1/accounts/withdraw';
          const call =
            a.stranger ? () => signedCall(c, run.stranger, 'POST', url, { address: who, amount: amount.toString() })
            : a.who < 2 ? () => signedCall(c, run.signers[a.who]!, 'POST', url, { amount: amount.toString() })
            : () => c.call('POST', url, { address: who, amount: amount.toString() });
          if (a.stranger) return refused(run, 403, accounts.balance(who), call);
          if (run.bal(accounts.balance(who)) < amount) return refused(run, 402, accounts.balance(who), call);
          ok(run, await call());
          run.move(accounts.balance(who), accounts.external, amount);
          run.flows.withdrawals += amount;
          return '200';
        }
        case 'withdrawEarnings': {
          const id = run.proverIds[a.p]!;
          const amount = run.share(run.bal(accounts.earnings(id)), a.pct);
          const url = '/v1/accounts/withdraw';
          const call = a.stranger
            ? () => signedCall(c, run.stranger, 'POST', url, { prover_id: id, amount: amount.toString() })
            : () => c.call('POST', url, { address: id, prover_id: id, amount: amount.toString() });
          if (!run.provers[a.p]) return refused(run, 404, accounts.earnings(id), call);
          if (a.stranger) return refused(run, 403, accounts.earnings(id), call);
          if (run.bal(accounts.earnings(id)) < amount) return refused(run, 402, accounts.earnings(id), call);
          ok(run, await call());
          run.move(accounts.earnings(id), accounts.external, amount);
          run.flows.withdrawals += amount;
          return '200';
        }
      }
    }

    /** `prover` submits a proof for `t`: a 403/409 unless it holds it; else settled, or rejected (requeued or failed and refunded). */
    async function prove(run: Run, t: TaskM, prover: string, valid: boolean): Promise<string> {
      const call = () => c.call('POST', '/tasks/result', { task_id: t.id, prover_id: prover, proof: valid ? run.proofs.valid : run.proofs.corrupted });
      if (t.status === 'completed' || t.status === 'failed') return refused(run, 409, accounts.balance(t.requester), call);
      if (!held(t) || t.holder !== prover) return refused(run, 403, accounts.balance(t.requester), call);
      const r = await call();
      ok(run, r);
      assert.equal(r.body.verification_result, valid ? 'Pass' : 'Fail', r.raw);
      if (valid) {
        t.status = 'completed';
        run.settle(t, prover);
        return 'pass';
      }
      t.attempts++;
      t.excluded.push(prover);
      t.status = t.attempts >= MAX_ATTEMPTS ? 'failed' : 'pending';
      t.holder = null;
      t.assignedAt = null;
      t.price = null;
      run.release(t, prover);
      if (t.status === 'failed') run.refund(t);
      return t.status === 'failed' ? 'fail:failed' : 'fail:requeued';
    }

    /** The ledger audits clean, sums to what the test deposited less what it withdrew, and each request's movements are right. */
    async function finalChecks(run: Run): Promise<void> {
      const audit = (await c.call('GET', '/v1/ledger/audit')).body as { ok: boolean; problems: string[]; total: string; deposits: string; withdrawals: string };
      assert.deepEqual(audit.problems, [], `the ledger audits clean\n${run.log.join('\n')}`);
      assert.equal(audit.ok, true);
      assert.equal(BigInt(audit.deposits), run.flows.deposits, 'deposits: ledger vs. test');
      assert.equal(BigInt(audit.withdrawals), run.flows.withdrawals, 'withdrawals: ledger vs. test');
      assert.equal(BigInt(audit.total), run.flows.deposits - run.flows.withdrawals, 'the accounts hold what was deposited less what was withdrawn');

      let paid = 0n;
      let earned = 0n;
      for (const t of run.tasks) {
        assert.ok(t.status === 'completed' || t.status === 'failed', `request ${t.id} is closed`);
        const r = await c.call('GET', `/v1/requests/${t.id}/ledger`);
        ok(run, r);
        const ms = (r.body.movements as Array<{ kind: string; entries: Array<{ account: string; amount: string }> }>).map((m) => ({ ...m, entries: m.entries.map((e) => ({ account: e.account, amount: BigInt(e.amount) })) }));
        const what = `request ${t.id} (${t.status}, max ${t.maxPrice}, min_stake ${t.minStake}): ${ms.map((m) => m.kind).join(', ')}`;
        const n = (kind: string) => countKind(ms, kind);
        assert.equal(n('escrow'), t.escrowed > 0n ? 1 : 0, `${what}: escrowed once`);
        if (t.status === 'completed') {
          // a request of price 0 escrowed nothing and has nothing to pay
          assert.equal(n('settle'), t.escrowed > 0n || (t.price ?? 0n) > 0n ? 1 : 0, `${what}: settled exactly once`);
          assert.equal(n('refund'), 0, `${what}: a completed request is not refunded`);
          const settle = ms.find((m) => m.kind === 'settle');
          if (settle) {
            const toProver = settle.entries.filter((e) => e.account.startsWith('earnings:')).reduce((s, e) => s + e.amount, 0n);
            const fee = settle.entries.find((e) => e.account === accounts.treasury)?.amount ?? 0n;
            assert.equal(toProver + fee, t.price, `${what}: the prover and the treasury share the price`);
            assert.equal(fee, bpsOf(t.price!, ECONOMICS.protocolFeeBps), `${what}: the protocol fee`);
            paid += t.price!;
            earned += toProver + fee;
          }
        } else {
          assert.equal(n('settle'), 0, `${what}: a failed request is not paid`);
          assert.equal(n('refund'), t.escrowed > 0n ? 1 : 0, `${what}: refunded exactly once`);
        }
        assert.equal(n('lock'), t.locks, `${what}: stake locks`);
        assert.equal(n('unlock'), t.unlocks, `${what}: stake releases`);
        assert.equal(n('slash'), t.slashes, `${what}: slashes`);
        assert.equal(t.locks, t.unlocks + t.slashes, `${what}: every lock closed once`);
        assert.equal(t.lock, null);
        tally[t.status === 'completed' ? 'completed' : 'failed']++;
        tally.refunded += n('refund');
        tally.locked += t.locks;
        tally.slashed += t.slashes;
      }
      tally.unstakesPaid += run.unstakes.length;
      assert.equal(earned, paid, 'the provers and the treasury got exactly the prices of the completed requests');
      for (const id of run.proverIds) assert.equal(run.bal(accounts.locked(id)), 0n, `${id}: nothing stays locked`);
      for (const u of run.unstakes) assert.ok(u.paid, 'every unstake was paid out');
    }
  });
}

/** JSON.stringify replacer for bigints. */
function big(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? `${v}n` : v;
}
