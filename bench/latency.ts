// npm run bench -- latency: request to assignment on a live coordinator with 20 provers connected, p50/p99.
// Baseline, in the same process: the same provers polling every 0.5 s (the prover node's poll_interval before
// long-polls). After: each holds GET /tasks/assign/:id?wait=20 open and is woken by the outbox's events.
import { setMaxListeners } from 'node:events';
import { ProofMarketClient } from '../src/sdk/index.ts';
import { startCoordinator } from '../src/coordinator/coordinator.ts';
import { sized } from './support.ts';

const PROVERS = sized('LATENCY_PROVERS', 20);
const REQUESTS = sized('LATENCY_REQUESTS', 200);

interface Figures {
  p50_ms: number;
  p99_ms: number;
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** Submits REQUESTS seed tasks one at a time, each once the previous one is assigned, and times each. */
async function run(mode: 'timer' | 'long-poll'): Promise<Figures> {
  const c = await startCoordinator({ dataDir: 'memory://', logLevel: 'silent', verifierThreads: 1, host: '127.0.0.1', port: 0, open: true });
  const client = new ProofMarketClient({ baseUrl: c.url! });
  const submittedAt = new Map<string, number>();
  const latencies: number[] = [];
  let waiting: ((id: string) => void) | undefined;
  const stop = new AbortController();
  setMaxListeners(PROVERS + 10, stop.signal); // one listener per waiting prover
  try {
    const provers = await Promise.all(
      Array.from({ length: PROVERS }, async (_, i) => {
        const id = `lat-${mode}-${i}`;
        await client.registerProver({ prover_id: id, supported_levels: [1], capacity: 10_000 });
        return id;
      }),
    );
    const loops = provers.map(async (id) => {
      while (!stop.signal.aborted) {
        const task = await client.assignTask(id, mode === 'long-poll' ? 20 : undefined, stop.signal).catch(() => null);
        if (task) {
          latencies.push(performance.now() - submittedAt.get(task.task_id)!);
          waiting?.(task.task_id);
        } else if (mode === 'timer') await new Promise((r) => setTimeout(r, 500));
      }
    });
    await new Promise((r) => setTimeout(r, 300)); // the long-polls are in place
    for (let i = 0; i < REQUESTS; i++) {
      const taskId = `lat-${mode}-t${i}`;
      const assigned = new Promise<string>((resolve) => (waiting = resolve));
      submittedAt.set(taskId, performance.now());
      await client.submitTask({ task_id: taskId, privacy_level: 1, circuit_data: [1, 2, 3], reward_amount: 1, requester: 'bench', priority: 10 });
      await assigned;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20)); // requests arrive at random moments
    }
    stop.abort();
    await Promise.race([Promise.all(loops), new Promise((r) => setTimeout(r, 2_000))]);
    return { p50_ms: +percentile(latencies, 50).toFixed(1), p99_ms: +percentile(latencies, 99).toFixed(1) };
  } finally {
    stop.abort();
    await c.close();
  }
}

export async function latencyBench(): Promise<Record<string, unknown>> {
  console.log(`\nlatency: request to assignment, ${PROVERS} provers connected, ${REQUESTS} requests (fixed price, provers pull)`);
  const before = await run('timer');
  const after = await run('long-poll');
  console.log('  provers            p50 ms   p99 ms');
  console.log(`  poll every 0.5 s   ${before.p50_ms.toFixed(1).padStart(6)}   ${before.p99_ms.toFixed(1).padStart(6)}   (baseline)`);
  console.log(`  long-poll          ${after.p50_ms.toFixed(1).padStart(6)}   ${after.p99_ms.toFixed(1).padStart(6)}   p99 ${(before.p99_ms / after.p99_ms).toFixed(1)}× lower`);
  return { ...after, baseline_p50_ms: before.p50_ms, baseline_p99_ms: before.p99_ms, provers: PROVERS, requests: REQUESTS };
}
