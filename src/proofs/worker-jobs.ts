// The worker thread's side of WorkerPool's protocol (worker-pool.ts), for the modules a pool runs.
import { parentPort } from 'node:worker_threads';

/**
 * Answers each `{ id, job }` message posted to this worker with `handle(job)`'s result, or with the first line of
 * its error. Jobs run one at a time, in the order received: the pool may post one ahead (`prefetch`), and a job
 * may hold state the next one reuses.
 */
export function serveJobs<J, R>(handle: (job: J) => Promise<R>): void {
  let line: Promise<void> = Promise.resolve();
  parentPort!.on('message', ({ id, job }: { id: number; job: J }) => {
    line = line.then(async () => {
      try {
        parentPort!.postMessage({ id, ok: true, result: await handle(job) });
      } catch (err) {
        parentPort!.postMessage({ id, ok: false, error: String((err as Error)?.message ?? err).split('\n')[0]!.slice(0, 300) });
      }
    });
  });
}
