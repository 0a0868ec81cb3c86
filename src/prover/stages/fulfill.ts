// The fulfil stage of one task, on a chain: once the coordinator accepted the proof, the node settles the
// request on ProofMarket itself, with its own key — `fulfill(requestId, proof, publicSignals)`, which pays only
// if the program's verifier accepts the proof for the signals the requester committed to. A request that is
// not on chain (off-chain settlement) is left alone; one already settled (a retry after a lost answer) too.
import { setTimeout as sleep } from 'node:timers/promises';
import { chainProof } from '../../chain/calldata.ts';
import type { ChainMarket } from '../../chain/market-client.ts';
import { chainRequestId, type OnChainRequest } from '../../chain/requests.ts';
import type { SnarkjsSystem } from '../../proofs/backends/registry.ts';
import { PROOF_SYSTEMS } from '../../proofs/envelope.ts';
import type { NodeContext } from '../context.ts';
import type { TaskRun } from '../task-runner.ts';

/** How long the node waits for the matchmaker's lock to be mined before it gives up for this attempt. */
const LOCK_WAIT_MS = 60_000;

export async function fulfillStage(ctx: NodeContext, run: TaskRun, chain: ChainMarket): Promise<void> {
  const taskId = run.task.task_id;
  const id = chainRequestId(taskId);
  const r = await lockedOnChain(chain, id, run.abort.signal);
  if (!r) return;
  const env = run.envelope!;
  if (!(PROOF_SYSTEMS as readonly string[]).includes(env.system)) throw new Error(`request ${taskId} is on chain, and ProofMarket verifies only snarkjs proofs, not ${env.system}`);
  const p = await chainProof(env.system as SnarkjsSystem, env.proof as object, env.public_signals);
  const tx = await chain.fulfill(id, p.proof, p.publicSignals);
  ctx.events.emit('fulfilled', { taskId, requestId: id, tx: tx.hash, gasUsed: tx.gasUsed });
}

/** The on-chain request once it is open and locked; undefined when there is none or it is settled already. */
async function lockedOnChain(chain: ChainMarket, id: `0x${string}`, signal: AbortSignal): Promise<OnChainRequest | undefined> {
  const until = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    const r = await chain.request(id);
    if (r.status !== 'open') return undefined;
    if (r.lockState === 'active') return r;
    if (Date.now() > until) throw new Error(`request ${id} is not locked on chain after ${LOCK_WAIT_MS / 1000} s (the coordinator sends lock on assignment)`);
    await sleep(250, undefined, { signal });
  }
}
