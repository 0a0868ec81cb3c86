// Node only (see platform.ts): libsecp256k1 through tiny-secp256k1's wasm, about 3× cheaper per signature than
// noble's pure JS (≈250 µs against ≈750 µs here); the prover node and the bench sign every call.
import * as ecc from 'tiny-secp256k1';

/** An ECDSA signature over a 32-byte digest, RFC 6979 nonce (no extra entropy) and low s, as noble's. */
export function signRecoverable(digest: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array; recoveryId: number } {
  const { signature, recoveryId } = ecc.signRecoverable(digest, privateKey);
  return { signature, recoveryId };
}
