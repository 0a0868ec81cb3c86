import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Queryable } from '../store/db.ts';
import { countTasksByStatus } from '../store/tasks.ts';
import { countProversByStatus } from '../store/provers.ts';
import { TASK_STATUSES } from '../domain/task.ts';

/** Prometheus metrics, one registry per coordinator (so tests can run several in one process). */
export function createMetrics(db: Queryable) {
  const registry = new Registry();
  const metrics = {
    registry,
    tasks: new Gauge({
      name: 'proofmarket_tasks',
      help: 'Tasks by status',
      labelNames: ['status'],
      registers: [registry],
      async collect() {
        const counts = await countTasksByStatus(db);
        for (const status of TASK_STATUSES) this.set({ status }, counts[status] ?? 0);
      },
    }),
    provers: new Gauge({
      name: 'proofmarket_provers',
      help: 'Registered provers by status',
      labelNames: ['status'],
      registers: [registry],
      async collect() {
        const counts = await countProversByStatus(db);
        for (const status of ['active', 'busy', 'offline']) this.set({ status }, counts[status] ?? 0);
      },
    }),
    tasksSubmitted: new Counter({ name: 'proofmarket_tasks_submitted_total', help: 'Tasks accepted', registers: [registry] }),
    results: new Counter({ name: 'proofmarket_results_total', help: 'Proof results by verdict', labelNames: ['result'], registers: [registry] }),
    assignRequest: new Histogram({
      name: 'proofmarket_assign_request_seconds',
      help: 'Time to answer GET /tasks/assign',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
      registers: [registry],
    }),
    timeToAssignment: new Histogram({
      name: 'proofmarket_task_assignment_latency_seconds',
      help: 'Time from task submission to its assignment',
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    verification: new Histogram({
      name: 'proofmarket_verification_seconds',
      help: 'Time to verify a proof on the worker pool',
      labelNames: ['result'],
      buckets: [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
  };
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;
