import type { ProofEnvelope } from '../proofs/envelope.ts';

/**
 * DEMO/TESTING ONLY (config `faulty_rate`): spoils a correct proof so that the coordinator's verifier must
 * reject it. Pure: `random` in [0, 1) picks the kind of damage.
 *
 * - random < 0.5 and the proof has two G1 points (groth16 pi_a/pi_c, plonk A/B, fflonk C1/C2): swap them.
 *   Both stay valid curve points, so the proof parses and fails the pairing check, the realistic case.
 * - otherwise: add 1 to the first public signal, a proof "for other data".
 */
export function corruptProof(envelope: ProofEnvelope, random: number): ProofEnvelope {
  const proof = structuredClone(envelope.proof) as Record<string, unknown>;
  const points = Object.keys(proof)
    .filter((k) => isG1(proof[k]))
    .sort();
  if (random < 0.5 && points.length >= 2) {
    const [a, b] = [points[0]!, points[1]!];
    [proof[a], proof[b]] = [proof[b], proof[a]];
    if (JSON.stringify(proof[a]) !== JSON.stringify(proof[b])) return { ...envelope, proof };
  }
  const signals = [...envelope.public_signals];
  signals[0] = signals.length > 0 ? (BigInt(signals[0]!) + 1n).toString() : '1';
  return { ...envelope, public_signals: signals };
}

/** A G1 point as snarkjs writes it: three decimal strings (projective x, y, z). */
function isG1(v: unknown): boolean {
  return Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'string' && /^\d+$/.test(x));
}
