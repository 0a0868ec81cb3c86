// The poll stage: while the node has a free proving slot, ask the coordinator for a task (GET /tasks/assign,
// long-polled: the coordinator answers the moment one is there) and hand each one to the task runner; with
// long_poll 0, nap for poll_interval when there is none. With no slot free, nap (a finished task wakes it
// early). Back off while calls fail.
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
      const wait = ctx.config.long_poll;
      const task = await ctx.client.assignTask(ctx.nodeId!, wait, signal);
      ctx.connected();
      failures = 0;
      // Even while stopping: the coordinator has given it to us, so it is ours to finish or hand back.
      if (task) acceptTask(ctx, task);
      else if (wait === 0) await ctx.nap(ctx.config.poll_interval * 1000, signal);
    } catch (err) {
      if (signal.aborted) break; // a long-poll given up on as the node stops
      const delayMs = await ctx.loopFailed(err, 'poll', failures++);
      await sleep(delayMs, undefined, { signal }).catch(() => undefined);
    }
  }
}
