import type { TaskDetail, TaskStatus, TaskStatusResponse } from '../api/index.ts';

/** Live counts for the progress line. */
export interface Progress {
  submitted: number;
  pending: number;
  assigned: number;
  proving: number;
  verified: number;
  failed: number;
  rejected: number;
}

export function progressOf(tasks: TaskStatusResponse[], rejectedProofs: number): Progress {
  const n = (s: TaskStatus) => tasks.filter((t) => t.status === s).length;
  return {
    submitted: tasks.length,
    pending: n('pending'),
    assigned: n('assigned'),
    proving: n('in_progress'),
    verified: n('completed'),
    failed: n('failed'),
    rejected: rejectedProofs,
  };
}

export function renderProgress(p: Progress, total: number, elapsedMs: number, width = 30): string {
  const done = p.verified + p.failed;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  return `${bar} ${done}/${total}  submitted ${p.submitted} · pending ${p.pending} · assigned ${p.assigned} · proving ${p.proving} · verified ${p.verified} · failed ${p.failed} · rejected proofs ${p.rejected}  ${(elapsedMs / 1000).toFixed(1)} s`;
}

export interface ProverLine {
  prover_id: string;
  name: string;
  completed: number;
  rejected: number;
}

export interface DemoSummary {
  tasks: number;
  completed: number;
  failed: number;
  proofsVerified: number;
  proofsRejected: number;
  /** Tasks whose first proof was rejected and that another prover then proved. */
  reproved: Array<{ task_id: string; rejected_from: string[]; proved_by: string }>;
  wallSeconds: number;
  throughputPerSecond: number;
  timeToProofMs: { p50: number; p99: number };
  perProver: ProverLine[];
}

/** Nearest-rank percentile of sorted numbers. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/**
 * What the demo reports, from the coordinator's own records of every task (history and proofs), so the
 * figures are the market's, not the demo's bookkeeping.
 */
export function summarize(details: TaskDetail[], names: Map<string, string>, startedAt: number, finishedAt: number): DemoSummary {
  const completed = details.filter((d) => d.status === 'completed');
  const proofs = details.flatMap((d) => d.proofs);
  const times = completed
    .map((d) => {
      const done = d.history?.findLast((h) => h.to === 'completed');
      return done ? Date.parse(done.at) - Date.parse(d.created_at) : undefined;
    })
    .filter((x): x is number => x !== undefined)
    .sort((a, b) => a - b);
  const name = (id: string) => names.get(id) ?? id;
  const provers = new Map<string, ProverLine>();
  for (const p of proofs) {
    const line = provers.get(p.prover_id) ?? { prover_id: p.prover_id, name: name(p.prover_id), completed: 0, rejected: 0 };
    if (p.verification_result === 'Pass') line.completed++;
    else line.rejected++;
    provers.set(p.prover_id, line);
  }
  const reproved = details.flatMap((d) => {
    const pass = d.proofs.find((p) => p.verification_result === 'Pass');
    const fails = d.proofs.filter((p) => p.verification_result === 'Fail');
    return pass && fails.length ? [{ task_id: d.task_id, rejected_from: fails.map((f) => name(f.prover_id)), proved_by: name(pass.prover_id) }] : [];
  });
  const wallSeconds = Math.max(0.001, (finishedAt - startedAt) / 1000);
  return {
    tasks: details.length,
    completed: completed.length,
    failed: details.filter((d) => d.status === 'failed').length,
    proofsVerified: proofs.filter((p) => p.verification_result === 'Pass').length,
    proofsRejected: proofs.filter((p) => p.verification_result === 'Fail').length,
    reproved,
    wallSeconds,
    throughputPerSecond: completed.length / wallSeconds,
    timeToProofMs: { p50: percentile(times, 50), p99: percentile(times, 99) },
    perProver: [...provers.values()].sort((a, b) => b.completed - a.completed || a.name.localeCompare(b.name)),
  };
}

export function renderSummary(s: DemoSummary): string {
  const lines = [
    '',
    'Summary',
    `  tasks completed      ${s.completed} of ${s.tasks}${s.failed ? ` (${s.failed} failed)` : ''}`,
    `  proofs verified      ${s.proofsVerified} (Pass)`,
    `  proofs rejected      ${s.proofsRejected} (Fail: caught by verification, re-proved by others)`,
    `  throughput           ${s.throughputPerSecond.toFixed(2)} tasks/s over ${s.wallSeconds.toFixed(1)} s`,
    `  time to proof        p50 ${(s.timeToProofMs.p50 / 1000).toFixed(2)} s · p99 ${(s.timeToProofMs.p99 / 1000).toFixed(2)} s`,
    '',
    '  prover                      proved  rejected',
    ...s.perProver.map((p) => `  ${p.name.padEnd(26)} ${String(p.completed).padStart(7)}  ${String(p.rejected).padStart(8)}`),
  ];
  if (s.reproved.length) {
    lines.push('', `  re-proved after a rejected proof (${s.reproved.length}):`);
    for (const r of s.reproved.slice(0, 10)) lines.push(`    ${r.task_id}: rejected from ${r.rejected_from.join(', ')} → proved by ${r.proved_by}`);
    if (s.reproved.length > 10) lines.push(`    … and ${s.reproved.length - 10} more`);
  }
  return lines.join('\n');
}
