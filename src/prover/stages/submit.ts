// The submit stage of one task: the proof to the coordinator (POST /tasks/result), whose verifier answers
// Pass or Fail. Not aborted on hand-back: a proof on its way is let through. On a chain, a passed proof is
// then settled on ProofMarket by the node itself (fulfill.ts); if that fails the stage is retried, and the
// coordinator answers the repeated submission with task_completed.
import { encodeProof } from '../../proofs/envelope.ts';
import { ProofMarketError } from '../../sdk/client.ts';
import type { NodeContext } from '../context.ts';
import type { TaskRun } from '../task-runner.ts';
import { fulfillStage } from './fulfill.ts';

export async function submitStage(ctx: NodeContext, run: TaskRun): Promise<{ pass: boolean; reason?: string }> {
  const verdict = await submitToCoordinator(ctx, run);
  if (verdict.pass && ctx.chain) await fulfillStage(ctx, run, ctx.chain);
  return verdict;
}

async function submitToCoordinator(ctx: NodeContext, run: TaskRun): Promise<{ pass: boolean; reason?: string }> {
  const taskId = run.task.task_id;
  try {
    const r = await ctx.client.submitResult({ task_id: taskId, prover_id: ctx.nodeId!, proof: encodeProof(run.envelope!) });
    run.quality = r.quality_score;
    return r.verification_result === 'Pass' ? { pass: true } : { pass: false, reason: r.reason ?? 'the proof did not verify' };
  } catch (err) {
    // The coordinator may have settled our proof and then lost the connection before answering.
    if (err instanceof ProofMarketError && err.code === 'task_completed') {
      const detail = await ctx.client.getTask(taskId).catch(() => null);
      const ours = detail?.proofs.find((p) => p.prover_id === ctx.nodeId && p.verification_result === 'Pass');
      if (ours) {
        run.quality = ours.quality_score;
        return { pass: true };
      }
    }
    throw err;
  }
}
