export { ProofMarketClient, ProofMarketError, ConnectionError, type ClientOptions } from './client.ts';
export { encodeProof, decodeProof, type ProofEnvelope } from '../proofs/envelope.ts';
export type * from './types.ts';
/** The commitment a sealed bid sends: sha256 of JSON ["proofmarket/sealed-bid/v1", request_id, prover_id, fee, nonce]. */
export { sealedCommitment, type SealedBid } from '../domain/market/sealed.ts';
/** Signed requests: a Signer gives the x-pm-* headers; pass one to ProofMarketClient({ signer }). */
export { privateKeySigner, type Signer, type SignableRequest } from './signer.ts';
