/**
 * The coordinator's real cost per operation on this machine: a batch of request lifecycles, each as the kernel's
 * plans (submitted, assigned with a stake lock, started, verdictReached) applied with store/plans.ts in one
 * transaction each — on PGlite in this process (coordinator and SQL on one core), and on a PostgreSQL server when
 * a URL is given (then `clients` lifecycles run at once, as replicas would).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k from '../domain/kernel/transitions.ts';
import { plan as ledgerPlan } from '../domain/ledger.ts';
import type { RequestRecord } from '../domain/request.ts';
import { applyLocked, assign, verdictContext } from '../coordinator/transitions.ts';
import { openDb, type Db } from '../store/db.ts';
import { applyMovement } from '../store/ledger.ts';
import { migrate } from '../store/migrate.ts';
import { insertProgram } from '../store/programs.ts';
import { insertProver } from '../store/provers.ts';
import { getTask } from '../store/tasks.ts';
import { KERNEL } from './engine.ts';

export interface OpCost {
  store: 'pglite' | 'postgres';
  lifecycles: number;
  clients: number;
  /** Transactions per second the store sustained, and wall ms per transaction (latency at 1 client). */
  tx_per_s: number;
  ms_per_tx: number;
}

const T0 = Date.parse('2026-01-01T00:00:00Z');

async function setup(db: Db, provers: number): Promise<void> {
  await migrate(db);
  const at = new Date(T0);
  await insertProgram(db, {
    program_id: 'sim', name: 'sim', proof_system: 'groth16', input_encoding: 'json', description: '', max_input_bytes: null, builtin: false,
    wasm: new Uint8Array([0]), zkey: new Uint8Array([1]), vkey: { protocol: 'groth16', nPublic: 1 }, wasm_sha256: 'a', zkey_sha256: 'b', vkey_sha256: 'c', created_at: at,
  });
  await applyMovement(db, ledgerPlan.deposit('req', 10n ** 15n), at);
  for (let i = 0; i < provers; i++) {
    const id = `mp${i}`;
    await insertProver(db, {
      prover_id: id, supported_levels: [1], capacity: 1000, status: 'active', current_load: 0, registration: {}, registered_at: at, last_heartbeat_at: at,
      updated_at: at, name: null, backends: ['groth16'], gpu_enabled: false, base_price: 0n, price_type: 'per_proof', subscription_quota: null,
      proving_speed: null, seeded_reputation: null, reputation_stars: null, response_time_ms: null, owner: id, suspended_reason: null,
    });
    await applyMovement(db, ledgerPlan.deposit(id, 10n ** 12n), at);
    await applyMovement(db, ledgerPlan.stake(id, id, 10n ** 12n), at);
  }
}

function request(id: string, now: Date): RequestRecord {
  return {
    task_id: id, privacy_level: 1, circuit_data: new Uint8Array([1]), reward_amount: 1000n, requester: 'req', priority: 50, program_id: 'sim',
    expected_public_signals: ['1'], status: 'pending', assigned_prover: null, assigned_at: null, attempts: 0, excluded_provers: [],
    deadline: new Date(now.getTime() + 3_600_000), request_hash: id, created_at: now, updated_at: now, backend: 'groth16', mechanism: 'fixed',
    max_price: 1000n, min_reputation: 0, allow_list: null, terms: null, price: null, handed_out: true, round: 0, min_stake: 100n,
  };
}

/** One lifecycle: four transactions, each reading the row under lock and applying the kernel's plan. */
async function lifecycle(db: Db, id: string, prover: string): Promise<void> {
  const now = new Date(T0 + 1000);
  await db.transaction((tx) => applyLocked(tx, k.submitted(request(id, now), { escrow: 1000n, faucet: null }, now)));
  await db.transaction(async (tx) => assign(tx, KERNEL, (await getTask(tx, id, true))!, { prover_id: prover, price: 900n, cause: 'assigned', handed_out: true }, now));
  await db.transaction(async (tx) => applyLocked(tx, k.started((await getTask(tx, id, true))!, now)));
  await db.transaction(async (tx) => {
    const r = (await getTask(tx, id, true))!;
    const v = { prover_id: prover, proof: new Uint8Array([1]), pass: true, verify_ms: 1, expected_ms: 1000 };
    await applyLocked(tx, k.verdictReached(r, v, await verdictContext(tx, r), KERNEL, new Date(T0 + 5000)));
  });
}

/** Measures `lifecycles` lifecycles (after a warm-up of a tenth) on PGlite, or on the server at `databaseUrl`. */
export async function measureOpCost(opts: { lifecycles: number; databaseUrl?: string; clients?: number }): Promise<OpCost> {
  const clients = opts.databaseUrl ? (opts.clients ?? 8) : 1;
  let dir: string | null = null;
  let db: Db;
  let dropDb: (() => Promise<void>) | null = null;
  if (opts.databaseUrl) {
    const name = `pm_sim_${process.pid}_${Date.now()}`;
    const admin = await openDb({ databaseUrl: opts.databaseUrl, poolSize: 1 });
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(opts.databaseUrl);
    url.pathname = `/${name}`;
    db = await openDb({ databaseUrl: url.toString(), poolSize: clients });
    dropDb = async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.close();
    };
  } else {
    dir = mkdtempSync(join(tmpdir(), 'pm-sim-'));
    db = await openDb({ dataDir: dir });
  }
  try {
    await setup(db, clients);
    const warm = Math.max(1, Math.floor(opts.lifecycles / 10));
    for (let i = 0; i < warm; i++) await lifecycle(db, `w${i}`, 'mp0');
    let next = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: clients }, async (_, c) => {
      for (let i = next++; i < opts.lifecycles; i = next++) await lifecycle(db, `m${i}`, `mp${c}`);
    }));
    const ms = performance.now() - started;
    const txs = opts.lifecycles * 4;
    return { store: db.kind, lifecycles: opts.lifecycles, clients, tx_per_s: (txs / ms) * 1000, ms_per_tx: (ms * clients) / txs };
  } finally {
    await db.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (dropDb) await dropDb();
  }
}
