/**
 * Every error code the coordinator can send, with its HTTP status and a one-line hint of what to do.
 *
 * The one table of them: `MarketError` takes its status from here (src/domain/errors.ts), the server's error
 * handler answers with it, the SDK turns a code into a typed error (src/sdk/errors.ts), the CLI prints the hint,
 * and README's "Error codes" table is generated from it (scripts/error-table.ts, checked by
 * test/error-catalogue.test.ts). It lives in domain/ because domain/ throws these codes and imports nothing of
 * ours; src/api/errors.ts re-exports it as part of the API contract.
 *
 * A new code is one line here; a code missing here is a tsc error where it is thrown.
 */
export type ErrorStatus = 400 | 401 | 402 | 403 | 404 | 409 | 413 | 415 | 416 | 429 | 500 | 503;

export interface ErrorSpec {
  readonly status: ErrorStatus;
  /** What the caller can do about it, in one line. */
  readonly hint: string;
}

export const ERRORS = {
  // 400: the input is wrong
  invalid_request: { status: 400, hint: 'the body, query or path does not match the route\'s schema: see /openapi.json (the message names the field)' },
  malformed_json: { status: 400, hint: 'send a JSON body that parses (or no body at all, without a content-type)' },
  invalid_content_length: { status: 400, hint: 'the content-length header does not match the body sent' },
  bad_request: { status: 400, hint: 'the HTTP request itself was refused (the status says how); check the client' },
  bad_url: { status: 400, hint: 'the URL has a malformed percent-escape (for example a lone %); encode path parts with encodeURIComponent' },
  invalid_input: { status: 400, hint: 'the proof input does not fit the program: check it against the program\'s input format' },
  input_too_large: { status: 400, hint: 'send a smaller input: the message gives the program\'s limit' },
  invalid_amount: { status: 400, hint: 'an amount is a whole number of base units as a decimal string, e.g. "1000000"' },
  negative_amount: { status: 400, hint: 'amounts are zero or more' },
  invalid_last_event_id: { status: 400, hint: 'Last-Event-ID (or ?after=) is the id of an event the stream sent: digits only' },
  reward_too_large: { status: 400, hint: 'the seed API shows rewards as JSON numbers: keep reward_amount at or below 2^53 - 1, or use POST /v1/requests (money as decimal strings)' },
  invalid_address: { status: 400, hint: 'an address is 0x followed by 40 hex digits (one case, or a valid EIP-55 checksum)' },
  invalid_artifact: { status: 400, hint: 'the wasm, zkey and vkey must be valid and belong together: rebuild them from one circuit' },
  chain_terms_unsupported: { status: 400, hint: 'on a chain, submit without a subscription or re-auction terms (the escrow is the max price)' },
  invalid_auction_terms: { status: 400, hint: 'fix the auction parameters the message names (prices, windows, weights)' },
  invalid_reauction_policy: { status: 400, hint: 'fix the re-auction policy the message names (rounds, step)' },
  auction_has_winner: { status: 400, hint: 'an auction with a winner is not auctioned again' },
  invalid_half_life: { status: 400, hint: 'half_life_ms is a positive number of milliseconds' },
  invalid_min_reputation: { status: 400, hint: 'min_reputation is stars from 0 to 5' },
  invalid_period: { status: 400, hint: 'use one of the periods the message lists (1h, 24h, 7d, 30d)' },
  invalid_privacy_routes: { status: 400, hint: 'fix the privacy-level routes in the coordinator\'s configuration' },
  unsupported_privacy_level: { status: 400, hint: 'use a privacy level the market routes (see GET /v1/backends)' },
  unknown_backend: { status: 400, hint: 'use a backend the coordinator knows (GET /v1/backends)' },
  backend_not_installed: { status: 400, hint: 'install the backend\'s tool on the coordinator, or use another backend' },
  program_or_model: { status: 400, hint: 'a request names either program_id or model (a zkML model\'s name), not both, not neither' },
  backend_mismatch: { status: 400, hint: 'ask for the backend the program was registered with (GET /v1/programs/{id})' },
  unknown_encoding: { status: 400, hint: 'use an encoding the message lists' },
  faucet_closed: { status: 400, hint: 'the faucet is for dev mode (serve --open) only: deposit instead' },
  faucet_limit: { status: 400, hint: 'ask the faucet for less' },
  invalid_job_id: { status: 400, hint: 'a job id is 0x followed by 64 hex digits, as POST /jobs answered it' },
  invalid_ether_amount: { status: 400, hint: 'an ether amount is decimal ether as a string, at most 18 decimals, e.g. "0.01"' },
  invalid_job_spec: { status: 400, hint: 'fix the job field the message names (cmd, outputs under /out, verifier hash-only or redundant:N)' },
  funding_rejected: { status: 400, hint: 'send the escrow deposit for this job first and name its transaction (txHash)' },
  invalid_cid: { status: 400, hint: 'a CID is a CIDv1 (bafk…/bafy…: raw or dag-pb, sha2-256), as `ipfs add --cid-version 1` prints it' },
  content_sha256_missing: { status: 400, hint: 'a signed upload declares its body\'s sha256 in x-pm-content-sha256 (64 hex), and signs that (the SDK does)' },
  invalid_model: { status: 400, hint: 'upload settings.json, model.compiled, vk.key and the SRS of one model compiled by Python ezkl (proofmarket model add does)' },
  content_sha256_mismatch: { status: 400, hint: 'the body sent is not the one signed: x-pm-content-sha256 must be the sha256 of the bytes sent' },

  // 401: the call is not (validly) signed
  signature_missing: { status: 401, hint: 'sign the call: pass a key (--key, or the SDK\'s privateKeySigner)' },
  signature_malformed: { status: 401, hint: 'send all four x-pm-* headers, each once and of the right form (use the SDK\'s Signer)' },
  signature_invalid: { status: 401, hint: 'sign exactly the method, host, path, query and body sent (use the SDK\'s Signer)' },
  timestamp_out_of_window: { status: 401, hint: 'sign the call again, or set this machine\'s clock right' },
  nonce_replayed: { status: 401, hint: 'sign every call anew: each needs a fresh nonce' },

  // 402: not enough money
  insufficient_funds: { status: 402, hint: 'deposit more (proofmarket deposit), or ask for less' },

  // 403: the caller may not do this
  operator_only: { status: 403, hint: 'only the market operator\'s key may do this' },
  not_owner: { status: 403, hint: 'sign with the key that registered the prover' },
  not_prover_agent: { status: 403, hint: 'sign with the prover\'s owner key or an authorized submitter\'s' },
  not_requester: { status: 403, hint: 'sign with the key that submitted the request' },
  not_assigned: { status: 403, hint: 'only the prover the task is assigned to may act on it' },
  not_your_subscription: { status: 403, hint: 'sign with the key that took the subscription' },
  signer_mismatch: { status: 403, hint: 'the id in the body must be the signer\'s address: drop it, or sign with that key' },
  not_model_owner: { status: 403, hint: 'a new version of a model is registered by the key that registered its name: sign with it, or pick another name' },
  not_job_requester: { status: 403, hint: 'sign with the key that posted the job' },
  not_job_provider: { status: 403, hint: 'only the provider matched to the job may act on it (sign with its key)' },

  // 404: no such thing
  route_not_found: { status: 404, hint: 'check the method and path (see /openapi.json); an older coordinator may lack the route' },
  task_not_found: { status: 404, hint: 'check the task id (proofmarket tasks lists them)' },
  request_not_found: { status: 404, hint: 'check the request id (proofmarket tasks lists them)' },
  prover_not_found: { status: 404, hint: 'check the prover id, or register the prover first' },
  model_not_found: { status: 404, hint: 'check the model name (proofmarket models), or add the model (proofmarket model add)' },
  program_not_found: { status: 404, hint: 'check the program id (proofmarket programs list), or register the program' },
  artifact_not_found: { status: 404, hint: 'the program has no artifact of that kind (wasm, zkey, vkey)' },
  proof_not_found: { status: 404, hint: 'no proof has passed verification yet: wait for the request to complete' },
  auction_not_found: { status: 404, hint: 'check the request id and round; fixed-price requests have no auction' },
  bid_not_found: { status: 404, hint: 'check the bid id: proofmarket bids <request> lists the bids of its current round' },
  subscription_not_found: { status: 404, hint: 'check the subscription id' },
  slash_not_found: { status: 404, hint: 'check the slash id (proofmarket slashes lists them)' },
  cid_not_found: { status: 404, hint: 'no artifact with that CID is stored here: check the CID, or upload it (proofmarket artifact put)' },
  submitter_not_found: { status: 404, hint: 'that address is not a submitter of this prover (proofmarket submitters list)' },
  chain_not_configured: { status: 404, hint: 'this coordinator does not settle on a chain: start it with serve --chain-rpc (or --chain-deployment)' },
  job_not_found: { status: 404, hint: 'check the job id (proofmarket jobs lists them)' },

  // 409: the state of the market forbids it now
  chain_escrow_missing: { status: 409, hint: 'escrow it on chain first (ProofMarket.createRequest; proofmarket request --chain-… does both), then submit' },
  chain_escrow_mismatch: { status: 409, hint: 'the on-chain request differs (requester, program, max price, min stake or commitment): submit the same terms' },
  chain_mode: { status: 409, hint: 'this coordinator settles on a chain: send the transaction to the contract (the CLI does it with --chain-rpc)' },
  duplicate_task_id: { status: 409, hint: 'choose another task id, or omit it to get a fresh one' },
  duplicate_request_id: { status: 409, hint: 'choose another request id, or omit it to get a fresh one' },
  duplicate_prover_id: { status: 409, hint: 'the id is taken, or registered with other settings: choose another id, or register with the same settings' },
  invalid_transition: { status: 409, hint: 'the task is not in a state that allows this; read its status first' },
  task_changed: { status: 409, hint: 'the task changed meanwhile: read it again and retry if it still applies' },
  task_completed: { status: 409, hint: 'the task is already completed: nothing more to do' },
  task_failed: { status: 409, hint: 'the task has failed: submit a new request' },
  not_cancellable: { status: 409, hint: 'only a pending request can be cancelled' },
  prover_excluded: { status: 409, hint: 'this prover may not take this request again (its proof for it was rejected)' },
  prover_not_subscription: { status: 409, hint: 'subscribe only to a prover priced by subscription' },
  subscription_exhausted: { status: 409, hint: 'the subscription\'s quota is used up: renew it or pay per proof' },
  subscription_expired: { status: 409, hint: 'renew the subscription, or pay per proof' },
  slash_already_reversed: { status: 409, hint: 'nothing to do: the slash was already reversed' },
  submitter_not_consented: { status: 409, hint: 'the address must first consent, signed with its key (POST /v1/submitters/consent)' },
  stake_below_minimum: { status: 409, hint: 'stake at least the market\'s minimum first (proofmarket stake)' },
  stake_insufficient: { status: 409, hint: 'stake more, or finish tasks to free locked stake' },
  job_wrong_status: { status: 409, hint: 'the job is not in a status that allows this; read it (proofmarket status --job) first' },
  job_not_cancellable: { status: 409, hint: 'a job is cancelled before a provider is matched, or after its timeout passed without a result' },
  image_not_found: { status: 409, hint: 'import the image on a provider (proofmarket images import-busybox), or name an image a provider has' },
  // 409 refusals of an auction action (the codes of RejectionReason)
  price_above_max: { status: 409, hint: 'bid at most the request\'s max_price' },
  reputation_too_low: { status: 409, hint: 'the request asks for a higher reputation than this prover has' },
  capacity_full: { status: 409, hint: 'finish a task first, or register a higher capacity' },
  backend_unsupported: { status: 409, hint: 'register the prover with the request\'s backend first' },
  privacy_level_unsupported: { status: 409, hint: 'register the prover with the request\'s privacy level first' },
  not_on_allow_list: { status: 409, hint: 'the request admits only the provers on its allow list' },
  phase_closed: { status: 409, hint: 'the auction is not in the phase this needs, or is over: read it again' },
  prover_inactive: { status: 409, hint: 'send a heartbeat (the prover node does) and make sure the prover is not suspended' },
  invalid_fee: { status: 409, hint: 'a fee is zero or more' },
  duplicate_bid: { status: 409, hint: 'this prover already acted in this auction: one action each' },
  wrong_mechanism: { status: 409, hint: 'use the action of the auction\'s mechanism (bid, commit/reveal or lock)' },
  invalid_commitment: { status: 409, hint: 'a commitment is 64 hex characters: sealedCommitment() makes it' },
  no_commitment: { status: 409, hint: 'commit during the bidding phase before revealing' },
  commitment_mismatch: { status: 409, hint: 'reveal exactly the fee and nonce that were committed' },
  not_revealed: { status: 409, hint: 'reveal during the reveal phase, or the commitment does not count' },
  lock_held: { status: 409, hint: 'another prover holds the lock: wait for it to lapse' },
  lock_lapsed: { status: 409, hint: 'this prover let its lock lapse and may not lock this auction again' },
  prover_unknown: { status: 409, hint: 'register the prover again' },
  bid_withdrawn: { status: 409, hint: 'the prover withdrew this bid: choose another one' },
  no_bid: { status: 409, hint: 'bid first: only a bid can be withdrawn' },

  // 413, 415: the body
  payload_too_large: { status: 413, hint: 'send a smaller body (the coordinator\'s bodyLimit)' },
  artifact_too_large: { status: 413, hint: 'the artifact is over the coordinator\'s size cap (serve --artifact-max-bytes); nothing was stored' },
  unsupported_media_type: { status: 415, hint: 'send JSON with content-type: application/json (artifact uploads: application/octet-stream)' },
  range_not_satisfiable: { status: 416, hint: 'ask for a byte range inside the artifact (its size is in Content-Range: bytes */SIZE)' },

  // 429: slow down
  rate_limited: { status: 429, hint: 'this client address sent too many calls in the window: wait for the retry-after header\'s seconds (the limit is serve --rate-limit)' },
  // 5xx
  internal: { status: 500, hint: 'a bug in the coordinator: report it with the request that caused it' },
  database_unavailable: { status: 503, hint: 'the coordinator lost its database for a moment (a restart or failover): retry the call; an unanswered write was not acknowledged' },
  events_unavailable: { status: 503, hint: 'the coordinator is shutting down; reconnect to another replica or after it restarts, with Last-Event-ID' },
  artifact_corrupt: { status: 503, hint: 'the stored copy does not hash to its CID and is refused: the operator must restore it (upload the same bytes again)' },
  artifact_store_unavailable: { status: 503, hint: 'the artifact store (disk or S3 bucket) did not answer; retry, or check the coordinator\'s --artifacts' },
  replica_unavailable: { status: 503, hint: 'the cluster proxy found no coordinator replica accepting connections: retry in a second (one is restarting)' },
  replica_lost: { status: 503, hint: 'the replica serving the call died mid-call; it may have been applied: retry it (a task id or a signed nonce makes that safe)' },
  program_missing: { status: 503, hint: 'install the built-in program on the coordinator (its artifacts are missing)' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

/** The codes sent with status `S`. */
export type ErrorCodeWithStatus<S extends ErrorStatus> = { [C in ErrorCode]: (typeof ERRORS)[C]['status'] extends S ? C : never }[ErrorCode];

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERRORS, code);
}
