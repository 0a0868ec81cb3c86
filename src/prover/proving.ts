import { WorkerPool, WorkerError } from '../proofs/worker-pool.ts';
import { isSnarkjsSystem, loadBackends, type BackendRegistry, type SnarkjsSystem } from '../proofs/backends/registry.ts';
import { externalProve, ExternalProveError, Limiter } from '../proofs/backends/external.ts';
import { ArtifactError, ProveError } from './errors.ts';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { EzklEngine } from '../proofs/ezkl/engine.ts';
import { nativeProve } from '../proofs/ezkl/native.ts';
import { EZKL_BACKEND, isModelKey } from '../proofs/ezkl/model-key.ts';

export interface ProveJob {
  /** groth16, plonk, fflonk (snarkjs, in a worker thread) or an external backend (its prove command). */
  system: string;
  /** The circuit's input signals, as the coordinator sent them. */
  input: Record<string, unknown>;
  /** Paths of the verified, cached artifacts (the worker, or the external command, reads them itself). */
  wasmPath: string;
  zkeyPath: string;
  /** External backends get these too when given. */
  vkeyPath?: string;
  programId?: string;
}

/** What the prove worker thread gets. */
export type SnarkjsProveJob = Pick<ProveJob, 'input' | 'wasmPath' | 'zkeyPath'> & { system: SnarkjsSystem };

export interface ProveOutput {
  proof: unknown;
  publicSignals: string[];
  ms: number;
}

/** This node cannot run the program's backend at all (not installed, unknown): retrying will not help. */
export class BackendUnavailableError extends ArtifactError {
  constructor(message: string) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}

/**
 * `max_concurrent_proofs` proofs at once: snarkjs systems run fullProve in worker threads, external backends
 * run their prove command as a child process; both count against the same limit and the same timeout. A worker
 * that crashes or overruns is replaced by the WorkerPool, an external command is killed, and only that job
 * fails (with a ProveError).
 */
export class ProvingPool {
  readonly #pool: WorkerPool<SnarkjsProveJob, ProveOutput>;
  readonly #limit: Limiter;
  readonly #timeoutMs: number;
  readonly backends: BackendRegistry;
  /** How zkML models are proved here (`off`: this node does not take ezkl requests). */
  readonly ezkl: 'off' | 'engine' | 'native';
  /** One engine thread, started at the first model proof: a proof takes ~0.5 GB. */
  readonly #engine: EzklEngine;

  constructor(opts: { size: number; timeoutMs: number; backends?: BackendRegistry; ezkl?: 'off' | 'engine' | 'native' }) {
    this.#pool = new WorkerPool(new URL('./prove-worker.ts', import.meta.url), { size: opts.size, timeoutMs: opts.timeoutMs });
    this.#limit = new Limiter(this.#pool.size);
    this.#timeoutMs = opts.timeoutMs;
    this.backends = opts.backends ?? loadBackends();
    this.ezkl = opts.ezkl ?? 'off';
    this.#engine = new EzklEngine({ threads: 1, timeoutMs: opts.timeoutMs });
  }

  get size(): number {
    return this.#pool.size;
  }

  get busy(): number {
    return this.#limit.running;
  }

  /** How many worker threads were replaced after a crash or a timeout. */
  get replacedWorkers(): number {
    return this.#pool.replacedWorkers;
  }

  prove(job: ProveJob): Promise<ProveOutput> {
    if (job.system === EZKL_BACKEND) return this.#limit.run(() => this.#ezkl(job));
    return this.#limit.run(() => (isSnarkjsSystem(job.system) ? this.#snarkjs({ ...job, system: job.system }) : this.#external(job)));
  }

  async #snarkjs(job: ProveJob & { system: SnarkjsSystem }): Promise<ProveOutput> {
    try {
      return await this.#pool.run({ system: job.system, input: job.input, wasmPath: job.wasmPath, zkeyPath: job.zkeyPath });
    } catch (err) {
      if (err instanceof WorkerError) throw new ProveError(`proving failed: ${err.message}`);
      throw err;
    }
  }

  async #external(job: ProveJob): Promise<ProveOutput> {
    try {
      this.backends.requireProver(job.system);
    } catch (err) {
      throw new BackendUnavailableError((err as Error).message);
    }
    try {
      return await externalProve(this.backends, { backend: job.system, programId: job.programId, input: job.input, wasmPath: job.wasmPath, zkeyPath: job.zkeyPath, vkeyPath: job.vkeyPath }, this.#timeoutMs);
    } catch (err) {
      if (err instanceof ExternalProveError) throw new ProveError(`proving failed: ${err.message}`);
      throw err;
    }
  }

  /** A model proof: wasmPath is the compiled circuit, zkeyPath the SRS; the pk is cached beside them. */
  async #ezkl(job: ProveJob): Promise<ProveOutput> {
    if (this.ezkl === 'off') throw new BackendUnavailableError('this node does not prove zkML models (start it with --ezkl engine or --ezkl native)');
    const key = job.vkeyPath ? (JSON.parse(readFileSync(job.vkeyPath, 'utf8')) as unknown) : undefined;
    if (!isModelKey(key)) throw new ArtifactError('the program is not an ezkl model (its vkey is no model key)');
    const ezklJob = { circuitPath: job.wasmPath, srsPath: job.zkeyPath, pkPath: join(dirname(job.wasmPath), 'ezkl.pk'), vk: key.vk, input: job.input };
    try {
      const out = this.ezkl === 'native' ? await nativeProve(ezklJob, this.#timeoutMs) : await this.#engine.prove(ezklJob);
      return { proof: out.proof, publicSignals: out.publicSignals, ms: out.ms };
    } catch (err) {
      throw new ProveError(`proving failed: ${(err as Error).message}`);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.#pool.close(), this.#engine.close()]);
  }
}
