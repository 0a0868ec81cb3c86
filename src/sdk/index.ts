export { ProofMarketClient, type ClientOptions, type EventFilter, type EventsOptions, type MarketEvent } from './client.ts';
/** Errors: ProofMarketError (the coordinator refused; `code`, `status`, `hint`) by family, and ConnectionError. */
export {
  ProofMarketError,
  ValidationError,
  AuthError,
  PaymentError,
  NotFoundError,
  ConflictError,
  UnavailableError,
  ConnectionError,
  type ErrorCode,
} from './errors.ts';
/** Every error code the coordinator sends, with its HTTP status and a hint (the catalogue). */
export { ERRORS, isErrorCode } from '../api/errors.ts';
export type { FetchLike } from './http.ts';
export { encodeProof, decodeProof, type ProofEnvelope } from '../proofs/envelope.ts';
/** The wire types, from the API contract (type-only: no schema code in the bundle). */
export type * from '../api/index.ts';
/** The commitment a sealed bid sends: sha256 of JSON ["proofmarket/sealed-bid/v1", request_id, prover_id, fee, nonce]. */
export { sealedCommitment, type SealedBid } from '../domain/market/sealed.ts';
/** Signed requests: a Signer gives the x-pm-* headers; pass one to ProofMarketClient({ signer }). */
/** Container jobs: helpers around the client's job calls (a provider's poll, failed results, waiting). */
export { FINAL_JOB_STATUSES, matchedJobs, failedResults, waitForJob, type JobFailure } from './jobs.ts';
/** Content ids as `ipfs add --cid-version 1` computes them, to check what a coordinator serves. */
export { cidOfBytes, cidOfStream } from '../artifacts/cid.ts';
export type { ArtifactUpload } from './artifacts.ts';
export { privateKeySigner, messageSigner, type Signer, type SignableRequest } from './signer.ts';
