// The transition kernel under random sequences: every transition of random requests, in random order (many
// of them illegal from where the request stands), planned by src/domain/kernel and applied by applyPlan on a
// real PGlite store. After every step the ledger's audit holds, a transition the lifecycle refuses writes
// nothing, a request that ended holds no escrow, and only a held request has a stake lock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import * as k from '../src/domain/kernel/transitions.ts';
import { DEFAULT_ECONOMICS, accounts, plan as ledgerPlan } from '../src/domain/ledger.ts';
import type { RequestRecord } from '../src/domain/request.ts';
import { isHeld, isTerminal } from '../src/domain/task.ts';
import { openDb, type Db } from '../src/store/db.ts';
import { audit, applyMovement, balance } from '../src/store/ledger.ts';
import { migrate } from '../src/store/migrate.ts';
import { insertProgram } from '../src/store/programs.ts';
import * as provers from '../src/store/provers.ts';
import { getTask } from '../src/store/tasks.ts';
import { applyLocked, assign, escrowOf, lockOf, verdictContext } from '../src/coordinator/transitions.ts';

const KERNEL: k.KernelConfig = { economics: { ...DEFAULT_ECONOMICS, slashWindowMs: 3_600_000 }, maxAttempts: 2, proofTimeoutMs: 60_000 };
const T0 = Date.parse('2026-01-01T00:00:00Z');
const PROVERS = ['p0', 'p1', 'p2'];
const REQUESTERS = ['r0', 'r1'];

type Step =
  | { op: 'submit'; requester: number; price: number; minStake: number; deadlineS: number }
  | { op: 'stake'; prover: number; amount: number }
  | { op: 'assign' | 'start' | 'release' | 'lapse' | 'deadline' | 'cancel' | 'noWinner'; task: number; prover: number }
  | { op: 'verdict'; task: number; prover: number; pass: boolean }
  | { op: 'timeout'; task: number; cause: 'proof_timeout' | 'prover_offline' }
  | { op: 'wait'; seconds: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('submit' as const), requester: fc.nat(1), price: fc.nat(1000), minStake: fc.oneof(fc.constant(0), fc.nat(300)), deadlineS: fc.integer({ min: 1, max: 120 }) }),
  fc.record({ op: fc.constant('stake' as const), prover: fc.nat(2), amount: fc.integer({ min: 1, max: 500 }) }),
  fc.record({ op: fc.constantFrom('assign' as const, 'start' as const, 'release' as const, 'lapse' as const, 'deadline' as const, 'cancel' as const, 'noWinner' as const), task: fc.nat(7), prover: fc.nat(2) }),
  fc.record({ op: fc.constant('verdict' as const), task: fc.nat(7), prover: fc.nat(2), pass: fc.boolean() }),
  fc.record({ op: fc.constant('timeout' as const), task: fc.nat(7), cause: fc.constantFrom('proof_timeout' as const, 'prover_offline' as const) }),
  fc.record({ op: fc.constant('wait' as const), seconds: fc.integer({ min: 1, max: 90 }) }),
);

/** What a refused transition must leave alone: every row count and every balance. */
async function fingerprint(db: Db): Promise<string> {
  const rows = await db.query<{ f: string }>(
    `SELECT (SELECT count(*) FROM events)::text || '/' || (SELECT count(*) FROM proofs)::text || '/' || (SELECT count(*) FROM ledger_movements)::text
       || '/' || (SELECT count(*) FROM stake_locks WHERE state = 'locked')::text || '/' || COALESCE((SELECT string_agg(account || '=' || balance::text, ',' ORDER BY account) FROM accounts), '') AS f`,
  );
  return rows[0]!.f;
}

/** Runs one step; answers whether it applied (false: refused by the rules, nothing written). */
async function run(db: Db, s: Step, ids: string[], now: Date): Promise<boolean> {
  if (s.op === 'wait') return true;
  if (s.op === 'submit') {
    const id = `req-${ids.length}`;
    const requester = REQUESTERS[s.requester]!;
    const price = BigInt(s.price);
    const request = newRequest(id, requester, price, BigInt(s.minStake), new Date(now.getTime() + s.deadlineS * 1000), now);
    await db.transaction(async (tx) => {
      const faucet = k.openFaucetGrant(requester, price, await balance(tx, accounts.balance(requester)), 1000n);
      await applyLocked(tx, k.submitted(request, { escrow: price, faucet }, now));
    });
    ids.push(id);
    return true;
  }
  if (s.op === 'stake') {
    const owner = PROVERS[s.prover]!;
    await db.transaction(async (tx) => {
      await applyMovement(tx, ledgerPlan.deposit(owner, BigInt(s.amount)), now);
      await applyMovement(tx, ledgerPlan.stake(owner, owner, BigInt(s.amount)), now);
    });
    return true;
  }
  const id = ids[s.task % Math.max(1, ids.length)];
  if (!id) return false;
  return db.transaction(async (tx) => {
    const r = (await getTask(tx, id, true))!;
    const prover = 'prover' in s ? PROVERS[s.prover]! : (r.assigned_prover ?? PROVERS[0]!);
    switch (s.op) {
      case 'assign':
        await assign(tx, KERNEL, r, { prover_id: prover, price: r.max_price, cause: 'assigned', handed_out: true }, now);
        return true;
      case 'start':
        await applyLocked(tx, k.started(r, now));
        return true;
      case 'verdict': {
        if (!isHeld(r.status)) return false; // the use case refuses a result for a request not held (heldBy)
        const v = { prover_id: r.assigned_prover!, proof: new Uint8Array([1]), pass: s.pass, verify_ms: 1, expected_ms: 1000 };
        await applyLocked(tx, k.verdictReached(r, v, await verdictContext(tx, r), KERNEL, now));
        return true;
      }
      case 'release':
        await applyLocked(tx, k.released(r, await lockOf(tx, r), now));
        return true;
      case 'lapse':
        if (!isHeld(r.status)) return false;
        await applyLocked(tx, k.lapsed(r, await lockOf(tx, r), now));
        return true;
      case 'timeout':
        if (!isHeld(r.status)) return false;
        await applyLocked(tx, k.timedOut(r, { cause: s.cause, lock: await lockOf(tx, r), expected_ms: 1000 }, KERNEL, now));
        return true;
      case 'deadline':
        await applyLocked(tx, k.deadlinePassed(r, { escrowed: await escrowOf(tx, id), lock: await lockOf(tx, r) }, KERNEL, now));
        return true;
      case 'cancel':
        await applyLocked(tx, k.cancelled(r, await escrowOf(tx, id), now));
        return true;
      case 'noWinner':
        await applyLocked(tx, k.noWinner(r, { escrowed: await escrowOf(tx, id), reason: 'no_bids' }, now));
        return true;
    }
  });
}

function newRequest(id: string, requester: string, price: bigint, minStake: bigint, deadline: Date, now: Date): RequestRecord {
  return {
    task_id: id, privacy_level: 1, circuit_data: new Uint8Array([1]), reward_amount: price, requester, priority: 50, program_id: 'p1',
    expected_public_signals: ['1'], status: 'pending', assigned_prover: null, assigned_at: null, attempts: 0, excluded_provers: [],
    deadline, request_hash: id, created_at: now, updated_at: now, backend: 'groth16', mechanism: 'fixed', max_price: price,
    min_reputation: 0, allow_list: null, terms: null, price: null, handed_out: true, round: 0, min_stake: minStake,
  };
}

/** Invariants beyond the audit: an ended request holds no escrow; a stake lock exists only behind a held request. */
async function checkInvariants(db: Db, ids: string[]): Promise<void> {
  const report = await audit(db);
  assert.ok(report.ok, report.problems.join('; '));
  for (const id of ids) {
    const r = (await getTask(db, id))!;
    if (isTerminal(r.status)) assert.equal(await escrowOf(db, id), 0n, `${id} is ${r.status} and still holds escrow`);
    if (!isHeld(r.status)) assert.equal((await lockOf(db, r)) ?? null, null, `${id} is ${r.status} and still has a stake lock`);
  }
}

test('random sequences of transitions keep the ledger balanced and refused ones write nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pm-kernel-'));
  const db = await openDb({ dataDir: dir });
  try {
    await migrate(db);
    await insertProgram(db, {
      program_id: 'p1', name: 'unit', proof_system: 'groth16', input_encoding: 'json', description: '', max_input_bytes: null, builtin: false,
      wasm: new Uint8Array([0]), zkey: new Uint8Array([1]), vkey: { protocol: 'groth16', nPublic: 1 }, wasm_sha256: 'a', zkey_sha256: 'b', vkey_sha256: 'c', created_at: new Date(T0),
    });
    for (const p of PROVERS) {
      await provers.insertProver(db, {
        prover_id: p, supported_levels: [1], capacity: 3, status: 'active', current_load: 0, registration: {}, registered_at: new Date(T0),
        last_heartbeat_at: new Date(T0), updated_at: new Date(T0), name: null, backends: ['groth16'], gpu_enabled: false, base_price: 0n,
        price_type: 'per_proof', subscription_quota: null, proving_speed: null, seeded_reputation: null, reputation_stars: null,
        response_time_ms: null, owner: p, suspended_reason: null,
      });
    }
    let round = 0;
    let applied = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 30 }), async (steps) => {
        await db.query(`TRUNCATE tasks, events, proofs, ledger_movements, ledger_entries, accounts, stake_locks, slashes, reputation_events CASCADE`);
        const ids: string[] = [];
        let clock = T0 + round++ * 10_000_000;
        for (const s of steps) {
          if (s.op === 'wait') clock += s.seconds * 1000;
          clock += 1;
          const before = await fingerprint(db);
          let ok: boolean;
          try {
            ok = await run(db, s, ids, new Date(clock));
          } catch (e) {
            const code = (e as { code?: string }).code;
            assert.ok(code === 'invalid_transition' || code === 'not_cancellable' || code === 'stake_insufficient' || code === 'insufficient_funds', `${s.op}: unexpected ${String(e)}`);
            ok = false;
          }
          if (ok) applied++;
          else {
            refused++;
            assert.equal(await fingerprint(db), before, `a refused ${s.op} wrote something`);
          }
          await checkInvariants(db, ids);
        }
      }),
      { numRuns: 25 },
    );
    assert.ok(applied > 100 && refused > 50, `the sequences exercise both paths (applied ${applied}, refused ${refused})`);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
