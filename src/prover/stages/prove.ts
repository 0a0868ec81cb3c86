// The prove stage of one task: the proof, in a worker thread of the node's ProvingPool (or an external
// backend's prove command), as a proof envelope; spoiled on purpose in the faulty mode (demo and tests).
import type { ProofEnvelope } from '../../proofs/envelope.ts';
import { abortable, type NodeContext } from '../context.ts';
import { corruptProof } from '../faulty.ts';
import type { TaskRun } from '../task-runner.ts';

export async function proveStage(ctx: NodeContext, run: TaskRun): Promise<void> {
  const p = run.program!;
  const out = await abortable(
    // external backends also get the vkey and the program id (their prove command may need them)
    ctx.pool!.prove({ system: p.system, input: run.task.circuit_input!, wasmPath: p.wasmPath, zkeyPath: p.zkeyPath, vkeyPath: p.vkeyPath, programId: p.programId }),
    run.abort.signal,
  );
  ctx.stats.proved++;
  let envelope: ProofEnvelope = { system: p.system, proof: out.proof, public_signals: out.publicSignals };
  // Demo/testing only: spoil the proof so the coordinator's verifier must reject it.
  const corrupted = ctx.config.faulty_rate > 0 && ctx.random() < ctx.config.faulty_rate;
  if (corrupted) envelope = corruptProof(envelope, ctx.random());
  run.envelope = envelope;
  ctx.events.emit('proved', { taskId: run.task.task_id, ms: Math.round(out.ms), corrupted });
}
