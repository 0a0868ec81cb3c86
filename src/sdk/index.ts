export { ProofMarketClient, ProofMarketError, ConnectionError, type ClientOptions } from './client.ts';
export { encodeProof, decodeProof, type ProofEnvelope } from '../proofs/envelope.ts';
/** The wire types, from the API contract (type-only: no schema code in the bundle). */
export type * from '../api/index.ts';
/** The commitment a sealed bid sends: sha256 of JSON ["proofmarket/sealed-bid/v1", request_id, prover_id, fee, nonce]. */
export { sealedCommitment, type SealedBid } from '../domain/market/sealed.ts';
/** Signed requests: a Signer gives the x-pm-* headers; pass one to ProofMarketClient({ signer }). */
export { privateKeySigner, type Signer, type SignableRequest } from './signer.ts';
