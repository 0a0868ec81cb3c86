// Pure: no Node-only imports, so the SDK (and the dashboard) can use it.
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
  return Array.from(new TextEncoder().encode(JSON.stringify(p)));
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

