// @ezkljs/engine on worker threads: the market's one way into ezkl from Node (witness, prove, verify).
import { WorkerPool, WorkerError } from '../worker-pool.ts';

export type EngineJob =
  | { op: 'witness'; circuit: Uint8Array; input: unknown }
  | { op: 'prove'; circuitPath: string; srsPath: string; pkPath: string; vk: string; input: unknown }
  | { op: 'verify'; proof: unknown; vk: string; settings: unknown; srs: Uint8Array };

export type EngineResult =
  | { op: 'witness'; witness: unknown; ms: number }
  | { op: 'prove'; proof: unknown; publicSignals: string[]; ms: number; pkMs: number }
  | { op: 'verify'; pass: boolean; reason?: string; ms: number };

export class EngineError extends Error {}

/**
 * A pool of engine threads, started at first use (an idle market never loads the 20 MB WebAssembly module).
 * A proof takes ~0.5 GB of memory at 2^12 rows, so the default is one thread.
 */
export class EzklEngine {
  #pool: WorkerPool<EngineJob, EngineResult> | undefined;

  constructor(private readonly opts: { threads?: number; timeoutMs?: number } = {}) {}

  get started(): boolean {
    return this.#pool !== undefined;
  }

  async #run<R extends EngineResult>(job: EngineJob): Promise<R> {
    this.#pool ??= new WorkerPool(new URL('./engine-worker.ts', import.meta.url), { size: this.opts.threads ?? 1, timeoutMs: this.opts.timeoutMs ?? 600_000 });
    try {
      return (await this.#pool.run(job)) as R;
    } catch (err) {
      if (err instanceof WorkerError) throw new EngineError(`ezkl engine: ${err.message}`);
      throw err;
    }
  }

  /** ezkl's witness of `input` ({"input_data": …}) for a compiled circuit: inputs, outputs, hashes. */
  async witness(circuit: Uint8Array, input: unknown): Promise<unknown> {
    return (await this.#run<Extract<EngineResult, { op: 'witness' }>>({ op: 'witness', circuit, input })).witness;
  }

  /** A proof, with the proving key at `pkPath` (derived from `vk` and cached there when missing). */
  prove(job: Omit<Extract<EngineJob, { op: 'prove' }>, 'op'>): Promise<Extract<EngineResult, { op: 'prove' }>> {
    return this.#run({ op: 'prove', ...job });
  }

  /** Never throws for a bad proof: a Fail with a reason. */
  async verify(job: Omit<Extract<EngineJob, { op: 'verify' }>, 'op'>): Promise<{ pass: boolean; reason?: string; ms: number }> {
    try {
      const r = await this.#run<Extract<EngineResult, { op: 'verify' }>>({ op: 'verify', ...job });
      return { pass: r.pass, ...(r.reason ? { reason: r.reason } : {}), ms: r.ms };
    } catch (err) {
      return { pass: false, reason: `verification aborted: ${(err as Error).message}`, ms: 0 };
    }
  }

  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.close();
  }
}

let shared: EzklEngine | undefined;

/** The coordinator's engine (witnesses of new requests, verifications), shared by the catalogue and the verifier. */
export function sharedEngine(): EzklEngine {
  shared ??= new EzklEngine({ threads: 1, timeoutMs: 120_000 });
  return shared;
}

export async function closeSharedEngine(): Promise<void> {
  const s = shared;
  shared = undefined;
  await s?.close();
}
