// npm run bench -- chaos [--json]: chaos under load at full scale (issue #18 §2): 3 replicas on a private
// PostgreSQL behind the round-robin proxy, 4 provers, a requester submitting 10,000 tasks, a random replica
// killed (SIGKILL) every 2–5 s and restarted, PostgreSQL restarted once. Knobs: CHAOS_TASKS, CHAOS_PROVERS,
// CHAOS_REPLICAS, CHAOS_TIMEOUT_S (default 3,600: the run stops and reports what it has by then).
import { runChaos } from '../test/support/chaos.ts';
import { terminateCurves } from '../src/cli/shutdown.ts';

export async function chaosBench(): Promise<Record<string, unknown>> {
  const tasks = Number(process.env.CHAOS_TASKS ?? 10_000);
  const counts = await runChaos({
    tasks,
    replicas: Number(process.env.CHAOS_REPLICAS ?? 3),
    provers: Number(process.env.CHAOS_PROVERS ?? 4),
    timeoutMs: Number(process.env.CHAOS_TIMEOUT_S ?? 3_600) * 1000,
    log: (line) => console.log(`  ${line}`),
  });
  console.log(`chaos: ${tasks} tasks asked, ${counts.submitted_acknowledged} acknowledged, ${counts.completed} completed in ${counts.seconds} s`);
  for (const [k, v] of Object.entries(counts)) console.log(`  ${k.padEnd(32)} ${Array.isArray(v) ? v.length === 0 ? 'none' : v.join('; ') : v}`);
  await terminateCurves();
  return { ...counts };
}
