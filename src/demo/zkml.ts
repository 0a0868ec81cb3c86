// The demo's zkML part: a prover node that proves model inferences with @ezkljs/engine (no Python), and a few
// requests naming the shipped models; the summary's zkML line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProverNode } from '../prover/node.ts';
import type { ProofMarketClient } from '../sdk/client.ts';
import type { TaskDetail } from '../api/index.ts';
import { builtinModelNames, modelFileUrl } from '../proofs/ezkl/models.ts';

/** What one model request of the demo costs at most (base units). */
const MODEL_PRICE = 2_000_000n;

export interface ZkmlRun {
  /** request id -> model name */
  models: Map<string, string>;
  /** request id -> prove time reported by the zkML prover (ms) */
  proveMs: Map<string, number>;
  /** What the requester deposited for them. */
  deposit: bigint;
}

/** Starts the demo's zkML prover (capacity 1: an engine proof takes ~0.5 GB); its proofs' times go into `run`. */
export async function startZkmlProver(url: string, dataDir: string, run: ZkmlRun): Promise<ProverNode> {
  const node = new ProverNode({
    coordinator_url: url,
    state_dir: join(dataDir, 'provers', 'zkml-prover'),
    name: 'zkML Prover',
    max_concurrent_proofs: 1,
    ezkl: 'engine',
    heartbeat_interval: 1,
    poll_interval: 0.2,
    // The first proof of a model also derives its proving key (cached in the state dir for later runs).
    proof_timeout: 900,
  });
  node.on('proved', (e: { taskId: string; ms: number }) => run.proveMs.set(e.taskId, e.ms));
  await node.start();
  return node;
}

/** `n` model requests, cycling through the shipped models with their sample inputs; deposits their escrow first. */
export async function submitModelRequests(requester: ProofMarketClient, address: string, n: number): Promise<ZkmlRun> {
  const run: ZkmlRun = { models: new Map(), proveMs: new Map(), deposit: 0n };
  const names = builtinModelNames();
  if (n === 0 || names.length === 0) return run;
  run.deposit = MODEL_PRICE * BigInt(n);
  await requester.deposit(run.deposit.toString());
  for (let i = 0; i < n; i++) {
    const model = names[i % names.length]!;
    const input = readFileSync(modelFileUrl(model, 'input.json')).toString('base64');
    const view = await requester.submitRequest({ requester: address, model, input, backend: 'ezkl', max_price: MODEL_PRICE.toString() });
    run.models.set(view.request_id, model);
  }
  return run;
}

/** The summary's zkML line: proofs verified per model and their prove times. */
export function renderZkml(run: ZkmlRun, details: TaskDetail[]): string {
  if (run.models.size === 0) return 'zkML          no model requests (--model-requests 0)';
  const per = new Map<string, { verified: number; ms: number[] }>();
  let rejected = 0;
  for (const d of details) {
    const model = run.models.get(d.task_id);
    if (!model) continue;
    const m = per.get(model) ?? { verified: 0, ms: [] };
    per.set(model, m);
    if (d.status === 'completed') m.verified++;
    rejected += (d.proofs ?? []).filter((p) => p.verification_result === 'Fail').length;
    const ms = run.proveMs.get(d.task_id);
    if (ms !== undefined) m.ms.push(ms);
  }
  const verified = [...per.values()].reduce((s, m) => s + m.verified, 0);
  const asked = (model: string) => [...run.models.values()].filter((x) => x === model).length;
  const mean = (ms: number[]) => (ms.length ? `${(ms.reduce((a, b) => a + b, 0) / ms.length / 1000).toFixed(1)} s` : '-');
  const times = [...per].map(([model, m]) => `${model} ${m.verified}/${asked(model)} verified, prove ${mean(m.ms)}`);
  return `zkML          ${verified}/${run.models.size} model inferences proved with ezkl (@ezkljs/engine, no Python) and verified by the coordinator${rejected ? `, ${rejected} rejected` : ''}: ${times.join('; ')} (the first proof of a model includes deriving its proving key, cached after; dev SRS, unsafe)`;
}
