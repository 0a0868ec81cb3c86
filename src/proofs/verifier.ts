import { availableParallelism } from 'node:os';
import { WorkerPool, WorkerError } from './worker-pool.ts';
import type { BackendName } from '../domain/programs.ts';
import { decodeProof } from './envelope.ts';
import { isSnarkjsSystem, loadBackends, type BackendRegistry, type SnarkjsSystem } from './backends/registry.ts';
import { externalVerify, Limiter } from './backends/external.ts';
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
 * with a reason; nothing a prover sends can make it throw.
 */
export class Verifier {
  readonly pool: WorkerPool<SnarkjsVerifyJob, VerifyOutcome>;
  readonly backends: BackendRegistry;
  readonly #timeoutMs: number;
  readonly #external: Limiter;

  constructor(opts: { threads?: number; timeoutMs?: number; backends?: BackendRegistry } = {}) {
    const threads = opts.threads ?? availableParallelism();
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.backends = opts.backends ?? loadBackends();
    this.#external = new Limiter(threads);
    this.pool = new WorkerPool(new URL('./verify-worker.ts', import.meta.url), { size: threads, timeoutMs: this.#timeoutMs, prefetch: 1 });
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
    try {
      return await this.pool.run({ system, vkey: job.vkey, publicSignals: job.publicSignals, proof: job.proof });
    } catch (err) {
      if (err instanceof WorkerError) return { pass: false, reason: `verification aborted: ${err.message}`, ms: 0 };
      throw err;
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.close(), closeSharedEngine()]);
  }
}

function sameSignals(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((s, i) => BigInt(s) === BigInt(b[i]!));
}
