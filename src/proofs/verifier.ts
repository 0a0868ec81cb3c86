import { availableParallelism } from 'node:os';
import { WorkerPool, WorkerError } from './worker-pool.ts';
import type { ProofSystem } from '../store/programs.ts';
import { decodeProof } from './envelope.ts';

export { PROOF_SYSTEMS, encodeProof, decodeProof, type ProofEnvelope } from './envelope.ts';

export interface VerifyJob {
  system: ProofSystem;
  vkey: unknown;
  publicSignals: string[];
  proof: unknown;
}

export interface VerifyOutcome {
  pass: boolean;
  reason?: string;
  ms: number;
}

/** What a proof must prove: the program's key and system, and the task's own public signals. */
export interface VerifyTarget {
  system: ProofSystem;
  vkey: unknown;
  expectedPublicSignals: string[];
}

/**
 * Checks submitted proofs with snarkjs on a pool of worker threads (the coordinator uses cores − 1), so
 * verification runs in parallel and never blocks the HTTP event loop. Every failure is a `Fail` verdict
 * with a reason; nothing a prover sends can make it throw.
 */
export class Verifier {
  readonly pool: WorkerPool<VerifyJob, VerifyOutcome>;

  constructor(opts: { threads?: number; timeoutMs?: number } = {}) {
    this.pool = new WorkerPool(new URL('./verify-worker.ts', import.meta.url), {
      size: opts.threads ?? availableParallelism(),
      timeoutMs: opts.timeoutMs ?? 30_000,
    });
  }

  async verify(proofBytes: Uint8Array, target: VerifyTarget): Promise<VerifyOutcome> {
    const decoded = decodeProof(proofBytes);
    if (!decoded.ok) return { pass: false, reason: decoded.reason, ms: 0 };
    const { envelope } = decoded;
    if (envelope.system !== target.system) {
      return { pass: false, reason: `the program is proved with ${target.system}, not ${envelope.system}`, ms: 0 };
    }
    if (!sameSignals(envelope.public_signals, target.expectedPublicSignals)) {
      return { pass: false, reason: "the proof's public signals are not the task's own (a proof for other data)", ms: 0 };
    }
    return this.verifyRaw({ system: envelope.system, vkey: target.vkey, publicSignals: envelope.public_signals, proof: envelope.proof });
  }

  /** Verification alone, with no market checks: the benchmark's baseline. */
  async verifyRaw(job: VerifyJob): Promise<VerifyOutcome> {
    try {
      return await this.pool.run(job);
    } catch (err) {
      if (err instanceof WorkerError) return { pass: false, reason: `verification aborted: ${err.message}`, ms: 0 };
      throw err;
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

function sameSignals(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((s, i) => BigInt(s) === BigInt(b[i]!));
}
