// One rule for who may claim what: the pull's SQL (store/tasks.pollForWork) against the domain's `mayClaim`
// (src/domain/market/claim.ts), on thousands of random provers and requests on a real PGlite store. Each case
// is set up in a transaction that is rolled back, so cases never see each other's rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { accounts } from '../src/domain/ledger.ts';
import { mayClaim, type ProverStatus } from '../src/domain/market/index.ts';
import { openDb } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import { insertProgram } from '../src/store/programs.ts';
import * as provers from '../src/store/provers.ts';
import { insertTask, pollForWork } from '../src/store/tasks.ts';
import type { RequestRecord } from '../src/domain/request.ts';

const NOW = new Date('2026-01-01T00:00:00Z');
const OVERCOMMIT_BPS = 5_000;
const BACKENDS = ['groth16', 'plonk'];

const proverArb = fc.record({
  status: fc.constantFrom<ProverStatus>('active', 'active', 'active', 'offline', 'busy', 'suspended'),
  levels: fc.constantFrom<number[]>([1, 2, 3], [1, 2, 3], [1], [2, 3]),
  backends: fc.constantFrom<string[]>(['groth16', 'plonk'], ['groth16'], ['plonk']),
  capacity: fc.integer({ min: 1, max: 3 }),
  held: fc.integer({ min: 0, max: 2 }),
  base_price: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 120n })),
  stars: fc.option(fc.double({ min: 0, max: 5, noNaN: true }), { nil: null, freq: 2 }),
  free: fc.bigInt({ min: 0n, max: 400n }),
  locked: fc.bigInt({ min: 0n, max: 100n }),
});

const requestArb = fc.record({
  status: fc.constantFrom('pending', 'pending', 'pending', 'pending', 'completed', 'failed'),
  mechanism: fc.constantFrom('fixed', 'fixed', 'fixed', 'subscription', 'weighted'),
  level: fc.integer({ min: 1, max: 3 }),
  backend: fc.constantFrom(...BACKENDS),
  allowListed: fc.option(fc.boolean(), { nil: null, freq: 2 }),
  max_price: fc.bigInt({ min: 0n, max: 200n }),
  min_reputation: fc.oneof(fc.constantFrom(0, 0, 1, 2.5, 3), fc.double({ min: 0, max: 5, noNaN: true })),
  min_stake: fc.oneof(fc.constant(0n), fc.constant(0n), fc.bigInt({ min: 1n, max: 200n })),
  excluded: fc.boolean(),
});

/** Other provers (they decide only whether a rejected prover is alone). */
const othersArb = fc.array(fc.record({ status: fc.constantFrom<ProverStatus>('active', 'offline'), levels: fc.subarray([1, 2, 3], { minLength: 1 }), backends: fc.subarray(BACKENDS, { minLength: 1 }), excluded: fc.boolean() }), { maxLength: 2 });

function proverRow(id: string, p: { status: ProverStatus; levels: number[]; backends: string[]; capacity?: number; base_price?: bigint; stars?: number | null }) {
  return {
    prover_id: id, supported_levels: p.levels, capacity: p.capacity ?? 1, status: p.status, current_load: 0, registration: {}, registered_at: NOW,
    last_heartbeat_at: NOW, updated_at: NOW, name: null, backends: p.backends, gpu_enabled: false, base_price: p.base_price ?? 0n,
    price_type: 'per_proof' as const, subscription_quota: null, proving_speed: null, seeded_reputation: null, reputation_stars: p.stars ?? null,
    response_time_ms: null, owner: id, suspended_reason: null,
  };
}

function requestRow(id: string, over: Partial<RequestRecord>): RequestRecord {
  return {
    task_id: id, privacy_level: 1, circuit_data: new Uint8Array([1]), reward_amount: 0n, requester: 'r', priority: 50, program_id: 'p1',
    expected_public_signals: [], status: 'pending', assigned_prover: null, assigned_at: null, attempts: 0, excluded_provers: [],
    deadline: new Date(NOW.getTime() + 3_600_000), request_hash: id, created_at: NOW, updated_at: NOW, backend: 'groth16', mechanism: 'fixed',
    max_price: 0n, min_reputation: 0, allow_list: null, terms: null, price: null, handed_out: true, round: 0, min_stake: 0n, ...over,
  };
}

class Rollback extends Error {}

test('the poll claims exactly what mayClaim allows, on thousands of random provers and requests', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pm-claim-'));
  const db = await openDb({ dataDir: dir });
  try {
    await migrate(db);
    await insertProgram(db, {
      program_id: 'p1', name: 'unit', proof_system: 'groth16', input_encoding: 'json', description: '', max_input_bytes: null, builtin: false,
      wasm: new Uint8Array([0]), zkey: new Uint8Array([1]), vkey: { protocol: 'groth16', nPublic: 1 }, wasm_sha256: 'a', zkey_sha256: 'b', vkey_sha256: 'c', created_at: NOW,
    });
    let claimed = 0;
    await fc.assert(
      fc.asyncProperty(proverArb, requestArb, othersArb, async (p, r, others) => {
        const excluded = [...(r.excluded ? ['me'] : []), ...others.flatMap((o, i) => (o.excluded ? [`other-${i}`] : []))];
        const request = requestRow('the-request', {
          status: r.status as RequestRecord['status'], mechanism: r.mechanism, privacy_level: r.level, backend: r.backend, max_price: r.max_price,
          min_reputation: r.min_reputation, min_stake: r.min_stake, excluded_provers: excluded,
          allow_list: r.allowListed === null ? null : r.allowListed ? ['me', 'someone'] : ['someone'],
        });
        // the poll's heartbeat brings an offline prover back: the rule sees it active
        const pollStatus: ProverStatus = p.status === 'offline' ? 'active' : p.status;
        const anotherActiveCanTake = others.some((o, i) => o.status === 'active' && !excluded.includes(`other-${i}`) && o.levels.includes(r.level) && o.backends.includes(r.backend));
        const expected = mayClaim(
          { profile: { prover_id: 'me', backends: p.backends, privacy_levels: p.levels, capacity: p.capacity, active_tasks: p.held, reputation: p.stars, status: pollStatus }, base_price: p.base_price, stake: { free: p.free, locked: p.locked } },
          request, anotherActiveCanTake, OVERCOMMIT_BPS,
        );
        let got: boolean | undefined;
        await db.transaction(async (tx) => {
          await provers.insertProver(tx, proverRow('me', { ...p, stars: p.stars }));
          for (const [i, o] of others.entries()) await provers.insertProver(tx, proverRow(`other-${i}`, o));
          await tx.query(`INSERT INTO accounts (account, balance) VALUES ($1, $2), ($3, $4)`, [accounts.stake('me'), p.free.toString(), accounts.locked('me'), p.locked.toString()]);
          for (let i = 0; i < p.held; i++) {
            await insertTask(tx, requestRow(`held-${i}`, {}));
            await tx.query(`UPDATE tasks SET status = 'assigned', assigned_prover = 'me', assigned_at = $2 WHERE task_id = $1`, [`held-${i}`, NOW]);
          }
          await insertTask(tx, request);
          // a new request has no exclusions nor a final status: give it those the case asks for
          await tx.query(`UPDATE tasks SET status = $2, excluded_provers = $3 WHERE task_id = $1`, [request.task_id, r.status, excluded]);
          const work = await pollForWork(tx, 'me', NOW, OVERCOMMIT_BPS);
          got = work?.task.task_id === request.task_id;
          throw new Rollback();
        }).catch((e) => {
          if (!(e instanceof Rollback)) throw e;
        });
        if (got) claimed++;
        assert.equal(got, expected, `SQL ${got ? 'claimed' : 'did not claim'}, mayClaim says ${expected}: ${JSON.stringify({ p, r, others }, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
      }),
      { numRuns: 2_000 },
    );
    assert.ok(claimed > 50, `enough cases are claimable to mean something (${claimed})`);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
