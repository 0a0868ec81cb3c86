// The heartbeat stage: every heartbeat_interval tell the coordinator the node is alive and how loaded it
// is (busy while stopping), backing off (never longer than the interval) while calls fail.
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffMs } from '../backoff.ts';
import type { NodeContext } from '../context.ts';

export async function runHeartbeat(ctx: NodeContext, signal: AbortSignal): Promise<void> {
  let failures = 0;
  while (!signal.aborted) {
    const interval = ctx.config.heartbeat_interval * 1000;
    const wait = failures === 0 ? interval : Math.min(interval, backoffMs(failures, ctx.backoff, ctx.random()));
    await sleep(wait, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) return;
    try {
      await ctx.client.heartbeat({ prover_id: ctx.nodeId!, status: ctx.stopping ? 'busy' : 'active', current_load: ctx.tasks.size });
      ctx.connected();
      failures = 0;
    } catch (err) {
      await ctx.loopFailed(err, 'heartbeat', failures++);
    }
  }
}

/** The last heartbeat of a stopping node: `offline`, so the coordinator stops offering it work. Best effort. */
export async function sayGoodbye(ctx: NodeContext): Promise<void> {
  await ctx.client.heartbeat({ prover_id: ctx.nodeId!, status: 'offline', current_load: 0 }).catch(() => undefined);
}
