import { WorkerPool, WorkerError } from '../proofs/worker-pool.ts';
import type { ProofSystem } from '../sdk/types.ts';
import { ProveError } from './errors.ts';

export interface ProveJob {
  system: ProofSystem;
  /** The circuit's input signals, as the coordinator sent them. */
  input: Record<string, unknown>;
  /** Paths of the verified, cached artifacts (the worker reads them itself). */
  wasmPath: string;
  zkeyPath: string;
}

export interface ProveOutput {
  proof: unknown;
  publicSignals: string[];
  ms: number;
}

/**
 * `max_concurrent_proofs` worker threads running snarkjs fullProve. A worker that crashes or overruns the
 * proof timeout is replaced by the WorkerPool, and only its job fails (with a ProveError).
 */
export class ProvingPool {
  readonly #pool: WorkerPool<ProveJob, ProveOutput>;

  constructor(opts: { size: number; timeoutMs: number }) {
    this.#pool = new WorkerPool(new URL('./prove-worker.ts', import.meta.url), { size: opts.size, timeoutMs: opts.timeoutMs });
  }

  get size(): number {
    return this.#pool.size;
  }

  get busy(): number {
    return this.#pool.busy;
  }

  /** How many worker threads were replaced after a crash or a timeout. */
  get replacedWorkers(): number {
    return this.#pool.replacedWorkers;
  }

  async prove(job: ProveJob): Promise<ProveOutput> {
    try {
      return await this.#pool.run(job);
    } catch (err) {
      if (err instanceof WorkerError) throw new ProveError(`proving failed: ${err.message}`);
      throw err;
    }
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}
