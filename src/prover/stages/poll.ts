// The poll stage: while the node has a free proving slot, ask the coordinator for a task (GET /tasks/assign)
// and hand each one to the task runner; nap for poll_interval when there is none or no slot is free (a
// finished task wakes it early), back off while calls fail.
import { setTimeout as sleep } from 'node:timers/promises';
import type { NodeContext } from '../context.ts';
import { acceptTask } from '../task-runner.ts';

export async function runPoll(ctx: NodeContext, signal: AbortSignal): Promise<void> {
  let failures = 0;
  while (!signal.aborted) {
    if (ctx.tasks.size >= ctx.config.max_concurrent_proofs) {
      await ctx.nap(ctx.config.poll_interval * 1000, signal);
      continue;
    }
    try {
      const task = await ctx.client.assignTask(ctx.nodeId!);
      ctx.connected();
      failures = 0;
      // Even while stopping: the coordinator has given it to us, so it is ours to finish or hand back.
      if (task) acceptTask(ctx, task);
      else await ctx.nap(ctx.config.poll_interval * 1000, signal);
    } catch (err) {
      const delayMs = await ctx.loopFailed(err, 'poll', failures++);
      await sleep(delayMs, undefined, { signal }).catch(() => undefined);
    }
  }
}
