// The fetch stage of one task: tell the coordinator the work starts (POST /v1/tasks/:id/start), then get
// the program's artifacts (downloaded, hash-checked and cached by ArtifactCache).
import { abortable, type NodeContext } from '../context.ts';
import { ArtifactError } from '../errors.ts';
import type { TaskRun } from '../task-runner.ts';

export async function fetchStage(ctx: NodeContext, run: TaskRun): Promise<void> {
  const t = run.task;
  await abortable(ctx.client.startTask(t.task_id, ctx.nodeId!), run.abort.signal);
  if (!t.circuit_input) throw new ArtifactError(`task ${t.task_id} came without circuit_input`);
  run.program = await abortable(ctx.artifacts.get(t.program_id), run.abort.signal);
  if (t.proof_system && t.proof_system !== run.program.system) {
    throw new ArtifactError(`the task says ${t.proof_system} but program ${t.program_id.slice(0, 12)}… is ${run.program.system}`);
  }
}
