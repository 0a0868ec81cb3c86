// npm run bench -- provers [--json]: many light simulated provers (issue #18 §4) polling one coordinator, then
// three replicas behind the round-robin proxy, on a private PostgreSQL with a large backlog pending. Each prover
// has its own key and signs every call (register, poll, result); every result carries a real Groth16 proof and
// is really verified: all tasks share one input, so one pre-generated proof verifies for all of them.
// Prints assignment latency p50/p99, completed tasks per second, coordinator CPU per task, and the coordinators'
// memory with the backlog pending. Knobs: PROVERS_COUNT (1,000), PROVERS_PENDING (100,000),
// PROVERS_SECONDS (30 of polling per setup), PROVERS_POLL_MS (1,000: an idle prover's poll interval).
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { startProxy } from '../src/cluster/proxy.ts';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { startPrivatePostgres } from '../src/cluster/local-postgres.ts';
import { ReplicaSet } from '../src/cluster/replicas.ts';
import { privateKeySigner, type Signer } from '../src/sdk/signer.ts';
import { createDatabase } from '../test/support/services.ts';
import { LEDGER_INPUT, ledgerProofs } from '../test/support/economy.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]! : NaN);

/** CPU seconds (user + system) and resident memory of a process, from /proc. */
function usage(pid: number): { cpuS: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]);
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]!;
  return { cpuS: ticks / 100, rssMb: Number(rss) / 1024 };
}

async function signedFetch(base: string, signer: Signer, method: string, path: string, body?: unknown): Promise<Response> {
  const text = body === undefined ? '' : JSON.stringify(body);
  const headers = await signer.sign({ method, host: new URL(base).host, path, body: text });
  return fetch(`${base}${path}`, { method, headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' }, body: body === undefined ? undefined : text, signal: AbortSignal.timeout(30_000) });
}

async function seed(url: string, pending: number): Promise<void> {
  const circuit = [...LEDGER_INPUT];
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < pending) {
      const n = next++;
      const r = await fetch(`${url}/tasks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ task_id: `bench-${n}`, privacy_level: 1, circuit_data: circuit, reward_amount: 1, requester: 'bench-requester', priority: 10 }) });
      if (r.status !== 200) throw new Error(`seeding task ${n}: ${r.status} ${await r.text()}`);
    }
  }));
}

async function setup(replicaCount: number, provers: number, pending: number, seconds: number, pollMs: number) {
  const pg = await startPrivatePostgres();
  const replicas = await ReplicaSet.start({ count: replicaCount, databaseUrl: await createDatabase(pg.url), serveArgs: ['--open', '--verifier-threads', '1', '--rate-limit', '0', '--proof-timeout', '600'] });
  const proxy = replicaCount > 1 ? await startProxy({ upstreams: replicas.urls }) : undefined;
  const url = proxy?.url ?? replicas.urls[0]!;
  try {
    const t0 = Date.now();
    await seed(url, pending);
    console.log(`  ${replicaCount} replica(s): ${pending} tasks seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const signers = Array.from({ length: provers }, () => privateKeySigner(`0x${randomBytes(32).toString('hex')}`));
    for (let i = 0; i < provers; i += 50) {
      await Promise.all(signers.slice(i, i + 50).map(async (s) => {
        const r = await signedFetch(url, s, 'POST', '/provers/register', { prover_id: s.address, supported_levels: [1], capacity: 1 });
        if (r.status !== 200) throw new Error(`register: ${r.status} ${await r.text()}`);
      }));
    }
    const pids = replicas.replicas.map((r) => r.proc!.pid!);
    const memoryMb = pids.map((p) => usage(p).rssMb);
    const cpuBefore = pids.reduce((s, p) => s + usage(p).cpuS, 0);
    const proof = (await ledgerProofs()).valid;
    const latencies: number[] = [];
    let completed = 0;
    let errors = 0;
    const until = Date.now() + seconds * 1000;
    const started = Date.now();
    await Promise.all(signers.map(async (s) => {
      await sleep(Math.random() * pollMs); // spread the first polls
      while (Date.now() < until) {
        const t = performance.now();
        const r = await signedFetch(url, s, 'GET', `/tasks/assign/${s.address}`).catch(() => undefined);
        const task = r && r.status === 200 ? await r.json() : undefined;
        if (!task) {
          if (!r || r.status !== 200) errors++;
          await sleep(pollMs);
          continue;
        }
        latencies.push(performance.now() - t);
        const res = await signedFetch(url, s, 'POST', '/tasks/result', { task_id: task.task_id, prover_id: s.address, proof }).catch(() => undefined);
        if (res?.status === 200 && (await res.json()).accepted) completed++;
        else errors++;
      }
    }));
    const elapsed = (Date.now() - started) / 1000;
    const cpu = pids.reduce((s, p) => s + usage(p).cpuS, 0) - cpuBefore;
    return {
      replicas: replicaCount,
      provers,
      pending,
      assignments: latencies.length,
      assign_p50_ms: Math.round(pct(latencies, 0.5)),
      assign_p99_ms: Math.round(pct(latencies, 0.99)),
      tasks_per_s: Math.round((completed / elapsed) * 10) / 10,
      cpu_ms_per_task: completed ? Math.round((cpu / completed) * 1000 * 10) / 10 : null,
      memory_mb_with_backlog: memoryMb.map((m) => Math.round(m)),
      errors,
    };
  } finally {
    await proxy?.close();
    await replicas.stopAll();
    pg.stop();
  }
}

export async function proversBench(): Promise<Record<string, unknown>> {
  const provers = Number(process.env.PROVERS_COUNT ?? 1_000);
  const pending = Number(process.env.PROVERS_PENDING ?? 100_000);
  const seconds = Number(process.env.PROVERS_SECONDS ?? 30);
  const pollMs = Number(process.env.PROVERS_POLL_MS ?? 1_000);
  const one = await setup(1, provers, pending, seconds, pollMs);
  const three = await setup(3, provers, pending, seconds, pollMs);
  for (const r of [one, three]) {
    console.log(`${r.replicas} replica(s), ${r.provers} provers, ${r.pending} pending: assignment p50 ${r.assign_p50_ms} ms, p99 ${r.assign_p99_ms} ms; ${r.tasks_per_s} tasks/s; ${r.cpu_ms_per_task} ms CPU per task; memory ${r.memory_mb_with_backlog.join(' + ')} MB; ${r.errors} errors`);
  }
  console.log(`three replicas / one: ${(three.tasks_per_s / one.tasks_per_s).toFixed(2)} × the tasks per second`);
  await terminateCurves();
  return { one, three };
}
