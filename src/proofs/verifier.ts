import { availableParallelism } from 'node:os';
import { WorkerPool, WorkerError } from './worker-pool.ts';
import type { BackendName } from '../domain/programs.ts';
import { decodeProof } from './envelope.ts';
import { isSnarkjsSystem, loadBackends, type BackendRegistry, type SnarkjsSystem } from './backends/registry.ts';
import { externalVerify, Limiter } from './backends/external.ts';
import { DEFAULT_BATCHING, Groth16Batcher, type BatcherOptions } from './groth16-fast/batcher.ts';
import type { ProofItem } from './groth16-fast/gate.ts';
import { ezklVerify } from './ezkl/backend.ts';
import { closeSharedEngine, sharedEngine } from './ezkl/engine.ts';
import { EZKL_BACKEND } from './ezkl/model-key.ts';

export { PROOF_SYSTEMS, encodeProof, decodeProof, type ProofEnvelope } from './envelope.ts';

export interface VerifyJob {
  system: BackendName;
  vkey: unknown;
  publicSignals: string[];
  proof: unknown;
  /** External backends whose verify command `needs` a program artifact load it through this. */
  artifact?: (kind: 'wasm' | 'zkey') => Promise<Uint8Array>;
}

/** What the verify worker thread gets (snarkjs systems only). */
export type SnarkjsVerifyJob = Omit<VerifyJob, 'system' | 'artifact'> & { system: SnarkjsSystem };

/** Groth16 proofs of one key, verified together (groth16-fast/gate.ts); the worker answers one outcome each. */
export interface Groth16BatchJob {
  kind: 'groth16-batch';
  vkey: unknown;
  items: ProofItem[];
}

/** What the verify worker thread gets: one snarkjs proof (PLONK, FFLONK), or a Groth16 batch. */
export type VerifyWorkerJob = (SnarkjsVerifyJob & { kind?: undefined }) | Groth16BatchJob;

export interface VerifyOutcome {
  pass: boolean;
  reason?: string;
  ms: number;
}

/** What a proof must prove: the program's key and system, and the task's own public signals. */
export interface VerifyTarget {
  system: BackendName;
  vkey: unknown;
  expectedPublicSignals: string[];
  /** The program's artifacts, for external verifiers that need more than the vkey (e.g. a zkVM's ELF). */
  artifact?: (kind: 'wasm' | 'zkey') => Promise<Uint8Array>;
}

/**
 * Checks submitted proofs: snarkjs systems on a pool of worker threads (the coordinator uses cores − 1),
 * external backends by running their verify command in a child process (at most `threads` at once), so
 * verification runs in parallel and never blocks the HTTP event loop. Every failure is a `Fail` verdict
 * with a reason; nothing a prover sends can make it throw. Groth16 proofs of one key that arrive within a few
 * milliseconds go to a worker as one batch, verified with mcl-wasm once the key has passed its self-check
 * against snarkjs (groth16-fast/).
 */
export class Verifier {
  readonly pool: WorkerPool<VerifyWorkerJob, VerifyOutcome | VerifyOutcome[]>;
  readonly backends: BackendRegistry;
  readonly #timeoutMs: number;
  readonly #external: Limiter;
  readonly #groth16: Groth16Batcher | undefined;

  /**
   * `batching`: how Groth16 proofs of one program are gathered into one job (groth16-fast/batcher.ts).
   * `fastGroth16: false` keeps every Groth16 proof on snarkjs, one job each (the reference, and the baseline).
   */
  constructor(opts: { threads?: number; timeoutMs?: number; backends?: BackendRegistry; batching?: Partial<BatcherOptions>; fastGroth16?: boolean } = {}) {
    const threads = opts.threads ?? availableParallelism();
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.backends = opts.backends ?? loadBackends();
    this.#external = new Limiter(threads);
    this.pool = new WorkerPool(new URL('./verify-worker.ts', import.meta.url), { size: threads, timeoutMs: this.#timeoutMs, prefetch: 1 });
    const runBatch = async (vkey: unknown, items: ProofItem[]) => (await this.pool.run({ kind: 'groth16-batch', vkey, items })) as VerifyOutcome[];
    if (opts.fastGroth16 !== false) this.#groth16 = new Groth16Batcher(runBatch, { ...DEFAULT_BATCHING, ...opts.batching });
  }

  async verify(proofBytes: Uint8Array, target: VerifyTarget): Promise<VerifyOutcome> {
    const decoded = decodeProof(proofBytes, this.backends.proofSystems());
    if (!decoded.ok) return { pass: false, reason: decoded.reason, ms: 0 };
    const { envelope } = decoded;
    if (envelope.system !== target.system) {
      return { pass: false, reason: `the program is proved with ${target.system}, not ${envelope.system}`, ms: 0 };
    }
    if (!sameSignals(envelope.public_signals, target.expectedPublicSignals)) {
      return { pass: false, reason: "the proof's public signals are not the task's own (a proof for other data)", ms: 0 };
    }
    return this.verifyRaw({ system: envelope.system, vkey: target.vkey, publicSignals: envelope.public_signals, proof: envelope.proof, artifact: target.artifact });
  }

  /** Verification alone, with no market checks: the benchmark's baseline. */
  async verifyRaw(job: VerifyJob): Promise<VerifyOutcome> {
    const { system } = job;
    if (system === EZKL_BACKEND) {
      // The SRS is the program's zkey artifact; the vk and settings are in its model key (the vkey).
      const srs = job.artifact ? () => job.artifact!('zkey') : () => Promise.reject(new Error('no SRS'));
      return ezklVerify(sharedEngine(), { vkey: job.vkey, proof: job.proof, publicSignals: job.publicSignals, srs }).catch((err: unknown) => ({ pass: false, reason: `cannot verify: ${(err as Error).message}`, ms: 0 }));
    }
    if (!isSnarkjsSystem(system)) {
      return this.#external.run(() => externalVerify(this.backends, { backend: system, vkey: job.vkey, proof: job.proof, publicSignals: job.publicSignals, artifact: job.artifact }, this.#timeoutMs));
    }
    if (system === 'groth16' && this.#groth16) return this.#groth16.verify(job.vkey, { publicSignals: job.publicSignals, proof: job.proof });
    try {
      return (await this.pool.run({ system, vkey: job.vkey, publicSignals: job.publicSignals, proof: job.proof })) as VerifyOutcome;
    } catch (err) {
      if (err instanceof WorkerError) return { pass: false, reason: `verification aborted: ${err.message}`, ms: 0 };
      throw err;
    }
  }

  async close(): Promise<void> {
    this.#groth16?.flush();
    await Promise.all([this.pool.close(), closeSharedEngine()]);
  }
}

function sameSignals(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((s, i) => BigInt(s) === BigInt(b[i]!));
}
