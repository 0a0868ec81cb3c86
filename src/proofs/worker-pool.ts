import { Worker } from 'node:worker_threads';

/**
 * A fixed set of worker threads running one TypeScript module, fed from one queue.
 *
 * The module must answer each `{ id, job }` message with `{ id, ok: true, result }` or
 * `{ id, ok: false, error }`: `serveJobs` (worker-jobs.ts) does that for it. A worker that crashes or overruns `timeoutMs` is terminated and replaced,
 * and only the job it was running fails: one bad job never takes the pool down (a job posted ahead to it, see
 * `prefetch`, had not started: it goes back to the front of the queue).
 */
export interface WorkerPoolOptions {
  size: number;
  /** Milliseconds one job may take before its worker is killed and the job rejected. */
  timeoutMs?: number;
  workerData?: unknown;
  /**
   * Jobs posted to a busy worker ahead of time (0 or 1), so that it starts the next one the moment it finishes,
   * instead of idling until this thread's event loop has seen the result and posted another. The module must then
   * run its messages one at a time, in the order received. Jobs with a transfer list are never posted ahead (their
   * buffers would be gone if that worker died before starting them).
   */
  prefetch?: number;
}

interface Pending<R> {
  id: number;
  job: unknown;
  transfer: ArrayBuffer[];
  resolve: (r: R) => void;
  reject: (e: Error) => void;
}

interface Slot<R> {
  worker: Worker;
  current?: Pending<R>;
  /** Posted ahead, behind `current`; the worker starts it when `current` ends. */
  next?: Pending<R>;
  timer?: NodeJS.Timeout;
  timedOut?: boolean;
}

export class WorkerError extends Error {}

const TSX_API = import.meta.resolve('tsx/esm/api');

/**
 * Starts a worker on a .ts module: workers do not inherit tsx's loader, so each registers it first.
 *
 * Hazard: snarkjs depends on the `web-worker` package, which, when loaded on any thread but the main one,
 * assumes it is one of its own workers and reads `workerData.mod`. So workerData always carries a harmless
 * empty script there; the module's own data is under `workerData.payload`.
 */
export function spawnTsWorker(moduleUrl: URL, payload?: unknown): Worker {
  const code = `import(${JSON.stringify(TSX_API)}).then((m) => { m.register(); return import(${JSON.stringify(moduleUrl.href)}); })`;
  return new Worker(code, { eval: true, workerData: { mod: 'data:text/javascript,', type: 'classic', name: 'proofmarket', payload } });
}

export class WorkerPool<J, R> {
  readonly size: number;
  #slots: Slot<R>[] = [];
  #queue: Pending<R>[] = [];
  #nextId = 1;
  #closed = false;
  #replaced = 0;

  constructor(
    private readonly moduleUrl: URL,
    private readonly opts: WorkerPoolOptions,
  ) {
    this.size = Math.max(1, opts.size);
    for (let i = 0; i < this.size; i++) this.#slots.push(this.#spawn());
  }

  /** How many workers were replaced after a crash or a timeout. */
  get replacedWorkers(): number {
    return this.#replaced;
  }

  get busy(): number {
    return this.#slots.filter((s) => s.current).length;
  }

  run(job: J, transfer: ArrayBuffer[] = []): Promise<R> {
    if (this.#closed) return Promise.reject(new WorkerError('worker pool is closed'));
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, job, transfer, resolve, reject });
      this.#dispatch();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const p of this.#queue.splice(0)) p.reject(new WorkerError('worker pool closed'));
    await Promise.all(this.#slots.map((s) => this.#kill(s)));
  }

  #spawn(): Slot<R> {
    const slot: Slot<R> = { worker: spawnTsWorker(this.moduleUrl, this.opts.workerData) };
    slot.worker.on('message', (msg: { id: number; ok: boolean; result?: R; error?: string }) => {
      const p = slot.current;
      if (!p || p.id !== msg.id) return;
      this.#finish(slot);
      if (slot.next) {
        // The worker has already begun the job posted ahead: its timeout starts now.
        slot.current = slot.next;
        slot.next = undefined;
        this.#arm(slot);
      }
      if (msg.ok) p.resolve(msg.result as R);
      else p.reject(new WorkerError(msg.error ?? 'worker job failed'));
      this.#dispatch();
    });
    const onDeath = (why: string) => {
      if (this.#closed) return;
      const p = slot.current;
      // A job posted ahead had not started (results come in order, and the one before it never came): it goes
      // back to the front of the queue, for the fresh worker.
      if (slot.next) this.#queue.unshift(slot.next);
      slot.next = undefined;
      this.#finish(slot);
      const i = this.#slots.indexOf(slot);
      if (i >= 0) {
        this.#replaced++;
        this.#slots[i] = this.#spawn();
      }
      p?.reject(new WorkerError(slot.timedOut ? `job timed out after ${this.opts.timeoutMs} ms` : why));
      this.#dispatch();
    };
    slot.worker.on('error', (err) => onDeath(`worker crashed: ${err.message}`));
    slot.worker.on('exit', (code) => onDeath(`worker exited with code ${code}`));
    slot.worker.unref();
    return slot;
  }

  #finish(slot: Slot<R>): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.current = undefined;
  }

  async #kill(slot: Slot<R>): Promise<void> {
    slot.worker.removeAllListeners('exit');
    slot.worker.removeAllListeners('error');
    // as a queued job: it had not started
    slot.next?.reject(new WorkerError('worker pool closed'));
    slot.next = undefined;
    this.#finish(slot);
    await slot.worker.terminate();
  }

  /** Starts the timeout of the job the worker is running. */
  #arm(slot: Slot<R>): void {
    if (!this.opts.timeoutMs) return;
    slot.timer = setTimeout(() => {
      // A job that overruns is killed with its worker; the slot gets a fresh one.
      slot.timedOut = true;
      slot.worker.terminate().catch(() => undefined);
    }, this.opts.timeoutMs);
  }

  #dispatch(): void {
    // Idle workers first; then, with prefetch, one job ahead for each busy one.
    for (const slot of this.#slots) {
      if (slot.current || this.#queue.length === 0) continue;
      const p = this.#queue.shift()!;
      slot.current = p;
      slot.worker.ref();
      this.#arm(slot);
      slot.worker.postMessage({ id: p.id, job: p.job }, p.transfer);
    }
    if (this.opts.prefetch) {
      for (const slot of this.#slots) {
        const p = this.#queue[0];
        if (!p || p.transfer.length > 0) break;
        if (!slot.current || slot.next) continue;
        this.#queue.shift();
        slot.next = p;
        slot.worker.postMessage({ id: p.id, job: p.job });
      }
    }
    for (const slot of this.#slots) if (!slot.current) slot.worker.unref();
  }
}
