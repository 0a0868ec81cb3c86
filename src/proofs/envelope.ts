// Pure: no Node-only imports, so the SDK (and the dashboard) can use it.
import type { BackendName, ProofSystem } from '../domain/programs.ts';

/** The snarkjs systems, built in everywhere. External backends' names come from the backend registry. */
export const PROOF_SYSTEMS: readonly ProofSystem[] = ['groth16', 'plonk', 'fflonk'];

/**
 * A proof travels as bytes: the UTF-8 encoding of the JSON document
 *
 *   {"system": "groth16" | "plonk" | "fflonk" | <external backend>, "proof": <the system's proof>, "public_signals": ["…", …]}
 *
 * For snarkjs systems `proof` is the snarkjs proof object; for an external backend it is whatever JSON value its
 * prove command printed. `encodeProof` and `decodeProof` are the only two places that know this.
 */
export interface ProofEnvelope {
  system: BackendName;
  proof: unknown;
  public_signals: string[];
}

export function encodeProof(p: ProofEnvelope): number[] {
  return Array.from(new TextEncoder().encode(JSON.stringify(p)));
}

export type DecodeResult = { ok: true; envelope: ProofEnvelope } | { ok: false; reason: string };

/** `systems`: the names accepted (default: the snarkjs ones; the verifier passes every backend it knows). */
export function decodeProof(bytes: Uint8Array, systems: readonly string[] = PROOF_SYSTEMS): DecodeResult {
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
  if (typeof system !== 'string' || !systems.includes(system)) {
    return { ok: false, reason: `unknown proof system ${JSON.stringify(system)}; expected one of ${systems.join(', ')}` };
  }
  const snarkjs = (PROOF_SYSTEMS as readonly string[]).includes(system);
  if (snarkjs ? typeof proof !== 'object' || proof === null || Array.isArray(proof) : proof === undefined || proof === null) {
    return { ok: false, reason: snarkjs ? 'the proof field must be a snarkjs proof object' : 'the proof field is missing' };
  }
  if (!Array.isArray(public_signals) || !public_signals.every((s) => typeof s === 'string' && /^\d{1,80}$/.test(s))) {
    return { ok: false, reason: 'public_signals must be an array of decimal strings' };
  }
  return { ok: true, envelope: { system, proof, public_signals } };
}
