import { availableParallelism } from 'node:os';
import { WorkerPool, WorkerError } from './worker-pool.ts';
import type { ProofSystem } from '../store/programs.ts';

export const PROOF_SYSTEMS: readonly ProofSystem[] = ['groth16', 'plonk', 'fflonk'];

/**
 * A proof travels as bytes: the UTF-8 encoding of the JSON document
 *
 *   {"system": "groth16" | "plonk" | "fflonk", "proof": <snarkjs proof object>, "public_signals": ["…", …]}
 *
 * `encodeProof` and `decodeProof` are the only two places that know this.
 */
export interface ProofEnvelope {
  system: ProofSystem;
  proof: unknown;
  public_signals: string[];
}

export function encodeProof(p: ProofEnvelope): number[] {
  return Array.from(Buffer.from(JSON.stringify(p), 'utf8'));
}

export type DecodeResult = { ok: true; envelope: ProofEnvelope } | { ok: false; reason: string };

export function decodeProof(bytes: Uint8Array): DecodeResult {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return { ok: false, reason: 'the proof bytes are not the UTF-8 JSON of {"system","proof","public_signals"}' };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return { ok: false, reason: 'the proof document must be a JSON object with system, proof and public_signals' };
  }
  const { system, proof, public_signals } = doc as Record<string, unknown>;
  if (typeof system !== 'string' || !PROOF_SYSTEMS.includes(system as ProofSystem)) {
    return { ok: false, reason: `unknown proof system ${JSON.stringify(system)}; expected one of ${PROOF_SYSTEMS.join(', ')}` };
  }
  if (typeof proof !== 'object' || proof === null || Array.isArray(proof)) {
    return { ok: false, reason: 'the proof field must be a snarkjs proof object' };
  }
  if (!Array.isArray(public_signals) || !public_signals.every((s) => typeof s === 'string' && /^\d{1,80}$/.test(s))) {
    return { ok: false, reason: 'public_signals must be an array of decimal strings' };
  }
  return { ok: true, envelope: { system: system as ProofSystem, proof, public_signals } };
}

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
 * Checks submitted proofs with snarkjs on a pool of worker threads (one per core by default), so
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
