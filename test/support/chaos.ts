// Chaos under load (issue #18 §2), shared by test/chaos.test.ts (small scale) and bench/chaos.ts (full scale):
// replicas as child processes on a private PostgreSQL behind the round-robin proxy, provers and a requester
// over real HTTP through the proxy, a replica killed with SIGKILL every 2–5 s and restarted, PostgreSQL
// restarted once. Provers are light (they poll and submit; see below) but every proof is really verified.
import { startProxy } from '../../src/cluster/proxy.ts';
import { startPrivatePostgres } from '../../src/cluster/local-postgres.ts';
import { ReplicaSet } from '../../src/cluster/replicas.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { audit } from '../../src/store/ledger.ts';
import { createDatabase } from './services.ts';
import { LEDGER_INPUT, ledgerProofs } from './economy.ts';

export interface ChaosOptions {
  tasks: number;
  replicas: number;
  provers: number;
  /** Everything must be done within this (ms); the run fails otherwise. */
  timeoutMs: number;
  log?: (line: string) => void;
}

export interface ChaosCounts {
  submitted_acknowledged: number;
  submit_retries: number;
  completed: number;
  not_completed: number;
  completed_more_than_once: number;
  double_assignments: number;
  double_payments: number;
  lost_acknowledged_writes: number;
  ledger_audit_problems: string[];
  events_in_db: number;
  events_streamed: number;
  events_missing_or_out_of_order: number;
  replica_kills: number;
  postgres_restarts: number;
  results_refused: number;
  proxy_refusals: number;
  proxy_lost_calls: number;
  seconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A call through the proxy, retried (bounded) while the cluster answers 5xx or the connection fails. */
async function call(url: string, method: string, body: unknown, stop: () => boolean): Promise<{ status: number; json: any; retries: number }> {
  for (let retries = 0; ; retries++) {
    try {
      const r = await fetch(url, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
      const json = await r.json().catch(() => null);
      if (r.status < 500) return { status: r.status, json, retries };
    } catch {
      // connection failed or timed out: retry against the others
    }
    if (stop() || retries > 2_000) throw new Error(`${method} ${url}: no answer after ${retries} retries`);
    await sleep(50);
  }
}

export async function runChaos(opts: ChaosOptions): Promise<ChaosCounts> {
  const log = opts.log ?? (() => {});
  const started = Date.now();
  const deadline = started + opts.timeoutMs;
  const late = () => Date.now() > deadline;
  const pg = await startPrivatePostgres();
  const cleanups: (() => Promise<void> | void)[] = [() => pg.stop()];
  try {
    const databaseUrl = await createDatabase(pg.url);
    const replicas = await ReplicaSet.start({ count: opts.replicas, databaseUrl, serveArgs: ['--open', '--verifier-threads', '1', '--proof-timeout', '5', '--rate-limit', '0'] });
    cleanups.unshift(() => replicas.stopAll());
    const proxy = await startProxy({ upstreams: replicas.urls, downMs: 500 });
    cleanups.unshift(() => proxy.close());
    const db = await openDb({ databaseUrl, poolSize: 2 });
    cleanups.unshift(() => db.close());
    log(`${opts.replicas} replicas up behind ${proxy.url}`);

    const proof = (await ledgerProofs()).valid;
    const circuit = [...LEDGER_INPUT];
    let done = false;
    const stop = () => done || late();
    const provers = Array.from({ length: opts.provers }, (_, i) => `chaos-prover-${i}`);
    for (const id of provers) await call(`${proxy.url}/provers/register`, 'POST', { prover_id: id, supported_levels: [1], capacity: 4 }, stop);

    // Chaos: a random replica killed (SIGKILL) every 2–5 s and restarted; PostgreSQL restarted once, early.
    let kills = 0;
    let pgRestarts = 0;
    const chaos = (async () => {
      await sleep(1_500);
      await pg.restart();
      pgRestarts++;
      log('PostgreSQL restarted');
      while (!stop()) {
        await sleep(2_000 + Math.random() * 3_000);
        if (stop()) break;
        const i = Math.floor(Math.random() * opts.replicas);
        await replicas.kill(i, 'SIGKILL');
        kills++;
        log(`replica ${i} killed (kill ${kills})`);
        await replicas.startReplica(i).catch((err: Error) => log(`replica ${i} restart failed: ${err.message.split('\n')[0]}`));
      }
    })();

    // The requester: every task id acknowledged (200) is one that must complete exactly once.
    const acked: string[] = [];
    let submitRetries = 0;
    const requester = (async () => {
      for (let n = 0; n < opts.tasks && !stop(); n++) {
        const id = `chaos-${n}`;
        const r = await call(`${proxy.url}/tasks`, 'POST', { task_id: id, privacy_level: 1, circuit_data: circuit, reward_amount: 1, requester: 'chaos-requester', priority: 10 }, stop);
        submitRetries += r.retries;
        // 409: a retry of a call whose first answer was lost with its replica: it was stored then.
        if (r.status === 200 || (r.status === 409 && r.retries > 0)) acked.push(id);
        else throw new Error(`submit ${id}: ${r.status} ${JSON.stringify(r.json)}`);
      }
    })();

    let refused = 0;
    const completedCount = async () => Number((await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM tasks WHERE status = 'completed'`).catch(() => [{ n: '0' }]))[0]!.n);
    const work = provers.map(async (id) => {
      while (!stop()) {
        const r = await call(`${proxy.url}/tasks/assign/${id}`, 'GET', undefined, stop).catch(() => undefined);
        if (!r || r.json === null || r.status !== 200) {
          await sleep(100);
          continue;
        }
        const res = await call(`${proxy.url}/tasks/result`, 'POST', { task_id: r.json.task_id, prover_id: id, proof }, stop).catch(() => undefined);
        if (res && res.status !== 200) refused++;
      }
    });

    await requester;
    log(`${acked.length} tasks acknowledged; waiting for them to complete`);
    while (!late() && (await completedCount()) < acked.length) await sleep(500);
    done = true;
    await Promise.all([chaos, ...work]);
    if (late()) log(`timed out after ${opts.timeoutMs} ms`);
    return { ...(await countOutcome(db, proxy.url, acked, log)), submitted_acknowledged: acked.length, submit_retries: submitRetries, replica_kills: kills, postgres_restarts: pgRestarts, results_refused: refused, proxy_refusals: proxy.stats().refused, proxy_lost_calls: proxy.stats().lost, seconds: Math.round((Date.now() - started) / 100) / 10 };
  } finally {
    for (const c of cleanups) await Promise.resolve(c()).catch(() => {});
  }
}

/** The counts the issue asks for, read from the database and the event stream after the run. */
async function countOutcome(db: Db, url: string, acked: string[], log: (line: string) => void): Promise<Omit<ChaosCounts, 'submitted_acknowledged' | 'submit_retries' | 'replica_kills' | 'postgres_restarts' | 'results_refused' | 'proxy_refusals' | 'proxy_lost_calls' | 'seconds'>> {
  const status = new Map((await db.query<{ task_id: string; status: string }>(`SELECT task_id, status FROM tasks`)).map((r) => [r.task_id, r.status]));
  const passes = await db.query<{ task_id: string; n: string }>(`SELECT task_id, count(*)::text AS n FROM proofs WHERE verification_result = 'Pass' GROUP BY task_id`);
  const completions = await db.query<{ task_id: string; n: string }>(`SELECT task_id, count(*)::text AS n FROM events WHERE to_status = 'completed' GROUP BY task_id`);
  // Each task's events form one chain: every transition starts from the state the previous one ended in. A
  // second assignment of a held task (or any transition lost or applied twice) breaks the chain.
  const events = await db.query<{ id: string; task_id: string; kind: string; from_status: string | null; to_status: string }>(`SELECT id::text, task_id, kind, from_status, to_status FROM events ORDER BY events.id`);
  let doubleAssign = 0;
  const state = new Map<string, string>();
  for (const e of events) {
    const was = state.get(e.task_id);
    if (e.from_status !== null && was !== undefined && e.from_status !== was) {
      doubleAssign++;
      log(`task ${e.task_id}: event ${e.id} (${e.kind}) moves from ${e.from_status} but the task was ${was}`);
    }
    if (e.to_status) state.set(e.task_id, e.to_status);
  }
  const payments = await db.query<{ cause_id: string; n: string }>(`SELECT cause_id, count(*)::text AS n FROM ledger_movements WHERE kind = 'settle' GROUP BY cause_id HAVING count(*) > 1`);
  const streamed = await streamIds(url, events.length);
  let outOfOrder = 0;
  for (let i = 0; i < events.length; i++) {
    if (streamed[i] === events[i]!.id) continue;
    if (outOfOrder++ === 0) log(`event stream: position ${i} has id ${streamed[i]}, the outbox has ${events[i]!.id} (streamed ${streamed.slice(Math.max(0, i - 2), i + 3).join(',')})`);
  }
  const completed = acked.filter((id) => status.get(id) === 'completed').length;
  return {
    completed,
    not_completed: acked.length - completed,
    completed_more_than_once: passes.filter((p) => Number(p.n) > 1).length + completions.filter((c) => Number(c.n) > 1).length,
    double_assignments: doubleAssign,
    double_payments: payments.length,
    lost_acknowledged_writes: acked.filter((id) => !status.has(id)).length,
    ledger_audit_problems: (await audit(db)).problems,
    events_in_db: events.length,
    events_streamed: streamed.length,
    events_missing_or_out_of_order: outOfOrder + Math.max(0, events.length - streamed.length),
  };
}

/** Every event id the SSE stream gives from the start, through the proxy, until `count` (bounded in time). */
async function streamIds(url: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  const until = Date.now() + 120_000;
  while (ids.length < count && Date.now() < until) {
    const res = await fetch(`${url}/v1/events?after=${ids.at(-1) ?? '0'}`, { signal: AbortSignal.timeout(Math.max(1, until - Date.now())) }).catch(() => undefined);
    if (!res?.body) continue;
    let text = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        text += Buffer.from(chunk).toString();
        let cut;
        while ((cut = text.indexOf('\n\n')) >= 0) {
          const m = /^id: (\d+)$/m.exec(text.slice(0, cut));
          text = text.slice(cut + 2);
          if (m) ids.push(m[1]!);
        }
        if (ids.length >= count) break;
      }
    } catch {
      // the stream broke: resume after the last id
    }
  }
  return ids;
}
