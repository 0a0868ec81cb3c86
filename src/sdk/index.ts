export { ProofMarketClient, ProofMarketError, ConnectionError, type ClientOptions } from './client.ts';
export { encodeProof, decodeProof, type ProofEnvelope } from '../proofs/envelope.ts';
export type * from './types.ts';
