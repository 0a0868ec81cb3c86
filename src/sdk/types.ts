/** Wire types of the coordinator API (snake_case, money as decimal strings, RFC 3339 times). */

export type TaskStatus = 'pending' | 'assigned' | 'in_progress' | 'completed' | 'failed';
/** `suspended` is set by the market operator only. */
export type ProverStatus = 'active' | 'busy' | 'offline' | 'suspended';
/**
 * A proving backend's name. The snarkjs ones are built in; external-command backends (e.g. Pico's
 * `koalabear`, `babybear`) are configured at the coordinator, so any name is allowed.
 */
export type ProofSystem = 'groth16' | 'plonk' | 'fflonk' | (string & {});

/** Integer base units as a decimal string, e.g. `"1000"`. */
export type Money = string;

export interface SubmitTaskRequest {
  task_id?: string;
  privacy_level: number;
  circuit_data: number[];
  /** Integer base units; a decimal string (or a safe integer). */
  reward_amount: string | number;
  requester: string;
  priority?: number;
}

export interface TaskHistoryEntry {
  at: string;
  from: TaskStatus | null;
  to: TaskStatus;
  cause: string;
  prover_id: string | null;
  detail: Record<string, unknown> | null;
}

export interface TaskStatusResponse {
  task_id: string;
  status: TaskStatus;
  assigned_prover: string | null;
  created_at: string;
  updated_at: string;
  attempts?: number;
  deadline?: string;
  program_id?: string;
  history?: TaskHistoryEntry[];
}

export interface TaskDetail extends TaskStatusResponse {
  privacy_level: number;
  reward_amount: string;
  requester: string;
  priority: number;
  proofs: Array<{
    prover_id: string;
    submitted_at: string;
    verification_result: 'Pass' | 'Fail';
    reason: string | null;
    quality_score: number;
    verify_ms: number;
  }>;
}

export interface AssignedTask {
  task_id: string;
  privacy_level: number;
  circuit_data: number[];
  reward_amount: string;
  requester: string;
  priority: number;
  program_id: string;
  program_name?: string;
  proof_system?: ProofSystem;
  /** The circuit's input signals, ready for snarkjs fullProve. */
  circuit_input?: Record<string, unknown>;
  deadline: string;
  assigned_at?: string;
}

export interface SubmitResultRequest {
  task_id: string;
  prover_id: string;
  /** UTF-8 bytes of the JSON {"system","proof","public_signals"}; see encodeProof. */
  proof: number[];
}

export interface SubmitResultResponse {
  accepted: boolean;
  verification_result: 'Pass' | 'Fail';
  quality_score: number;
  reason?: string;
}

export interface RegisterProverRequest {
  prover_id?: string;
  supported_levels: number[];
  capacity: number;
  name?: string;
  backends?: string[];
  gpu_enabled?: boolean;
  /** Measured proofs per second. */
  proving_speed?: number;
  reward_address?: string;
  /** The least this prover asks per proof (per month for `subscription`), base units; default "0". */
  base_price?: Money;
  /** Default `per_proof`. */
  price_type?: PriceType;
  /** `subscription` only: proofs per period; `null` = unlimited. */
  subscription_quota?: number | null;
  /** 0..5 stars, seeded by the operator: needs the operator token (see `registerProver`), else 403 operator_only. */
  reputation?: number;
  /** The market operator only: registers the prover for this owner (an EVM address); otherwise the signer owns it. */
  owner?: string;
}

export interface HeartbeatRequest {
  prover_id: string;
  /** What a prover may say of itself (`suspended` is the operator's to set). */
  status?: Exclude<ProverStatus, 'suspended'>;
  current_load?: number;
}

export interface HeartbeatResponse {
  prover_id: string;
  status: ProverStatus;
  last_heartbeat: string;
}

export interface Prover {
  prover_id: string;
  supported_levels: number[];
  capacity: number;
  status: ProverStatus;
  current_load: number;
  active_tasks?: number;
  registered_at: string;
  last_heartbeat: string;
  name?: string;
  backends?: string[];
  gpu_enabled?: boolean;
  proving_speed?: number;
  reward_address?: string;
}

export interface ArtifactRef {
  sha256: string;
  url: string;
}

export interface Program {
  program_id: string;
  name: string;
  proof_system: ProofSystem;
  input_encoding: string;
  description: string;
  max_input_bytes: number | null;
  builtin: boolean;
  n_public: number;
  artifacts: { wasm: ArtifactRef; zkey: ArtifactRef; vkey: ArtifactRef };
  created_at: string;
}

export interface RegisterProgramRequest {
  name: string;
  proof_system: ProofSystem;
  input_encoding?: string;
  description?: string;
  /** base64 */
  wasm: string;
  /** base64 */
  zkey: string;
  vkey: object;
}

export interface Health {
  status: string;
  store: string;
  verifier_threads: number;
}

// ── market API (docs/market-api.md) ─────────────────────────────────────────────────────────────────

export type PriceType = 'per_proof' | 'subscription' | 'auction';
export type Mechanism = 'fixed' | 'weighted' | 'sealed' | 'rising';
export type AuctionPhase = 'bidding' | 'reveal' | 'locked' | 'closed';
export type RequestStatus = 'pending' | 'assigned' | 'in_progress' | 'completed' | 'failed' | 'expired';
export type PriorityName = 'low' | 'normal' | 'high' | 'urgent';

/** Why the market refused an action: the `code` of a 409 answer to a bid, commit, reveal or lock. */
export type AuctionRejection =
  | 'price_above_max'
  | 'reputation_too_low'
  | 'capacity_full'
  | 'backend_unsupported'
  | 'privacy_level_unsupported'
  | 'not_on_allow_list'
  | 'phase_closed'
  | 'prover_inactive'
  | 'duplicate_bid'
  | 'wrong_mechanism'
  | 'invalid_commitment'
  | 'no_commitment'
  | 'commitment_mismatch'
  | 'lock_held'
  | 'lock_lapsed';

/** `GET /v1/backends` */
export interface Backend {
  name: ProofSystem;
  kind: 'snarkjs' | 'external';
  installed: boolean;
  /** What to install when `installed` is false. */
  install_hint: string | null;
  description: string;
}

/** `GET /v1/provers` query. */
export interface ProverFilter {
  backend?: ProofSystem;
  max_price?: Money | number;
  min_reputation?: number;
  status?: ProverStatus;
  sort?: 'price' | 'reputation' | 'response_time';
}

/** `GET /v1/provers`, `GET /v1/provers/:id` */
export interface ProverProfile {
  prover_id: string;
  name: string | null;
  backends: ProofSystem[];
  privacy_levels: number[];
  capacity: number;
  active_tasks: number;
  gpu_enabled: boolean;
  base_price: Money;
  price_type: PriceType;
  status: ProverStatus;
  /** Stars 0..5; `null` = no history yet. */
  reputation: number | null;
  response_time_ms: number | null;
  proving_speed: number | null;
  registered_at: string;
  last_heartbeat: string;
  /** `subscription` provers: proofs per period (`null` = unlimited). Sent by this coordinator. */
  subscription_quota?: number | null;
  /** The stars the market ranks with (2.5 without history). Sent by this coordinator. */
  effective_reputation?: number;
}

export interface ReputationEvent {
  at: string;
  task_id: string;
  success: boolean;
  quality: number;
  expected_ms: number;
  actual_ms: number;
  cause: string;
}

/** `GET /v1/provers/:id/reputation` */
export interface ProverReputation {
  prover_id: string;
  stars: number | null;
  score: number | null;
  /** 0 without history (`stars` and `score` are null then). */
  success_rate: number;
  average_quality: number;
  time_efficiency: number;
  total: number;
  successful: number;
  failed: number;
  weight: number;
  half_life_ms: number;
  /** Stars seeded by the operator at registration, if any. */
  seeded: number | null;
  history: ReputationEvent[];
}

/** A request's auction terms; every parameter but the mechanism is optional (the coordinator's defaults). */
export interface AuctionTerms {
  mechanism: Mechanism;
  bid_window_ms?: number;
  /** `sealed` */
  reveal_window_ms?: number;
  /** `weighted` */
  price_weight?: number;
  /** `weighted` */
  reputation_weight?: number;
  /** `rising` */
  min_price?: Money;
  /** `rising` */
  ramp_start_ms?: number;
  /** `rising` */
  ramp_period_ms?: number;
  /** `rising` */
  lock_timeout_ms?: number;
}

/** How a round without a winner is relaxed for the next one. */
export interface ReauctionPolicy {
  max_price_step?: Money;
  max_price_ceiling?: Money;
  min_reputation_step?: number;
  min_reputation_floor?: number;
}

/** `POST /v1/requests` */
export interface SubmitRequestInput {
  request_id?: string;
  /** Who pays: a signed call acts for its signer (omit it, or give the signer's address); unsigned (--open) names it. */
  requester?: string;
  program_id: string;
  /** base64 of the input bytes */
  input: string;
  backend: ProofSystem;
  /** 1..255, default 1 */
  privacy_level?: number;
  /** low = 25, normal = 50 (default), high = 75, urgent = 100, or 0..100 */
  priority?: PriorityName | number;
  max_price: Money;
  /** Stake the winner must have free, locked while it holds the request and slashed if it misses its deadline (default 0). */
  min_stake?: Money;
  /** 0..5, default 0 */
  min_reputation?: number;
  /** Minutes; default the coordinator's. */
  deadline?: number;
  /** Default `{ mechanism: 'fixed' }`. */
  auction?: AuctionTerms;
  allow_list?: string[];
  reauction?: ReauctionPolicy;
  subscription_id?: string;
  on_exhausted?: 'error' | 'market';
}

/** How one auction entry fared. */
export interface AuctionExplanationEntry {
  seq: number;
  action: 'bid' | 'commit' | 'reveal' | 'lock';
  prover_id: string;
  at: string;
  /** `null` for a commitment. */
  fee: Money | null;
  /** `weighted` only. */
  score: number | null;
  result: 'won' | 'lost' | 'rejected' | 'revealed' | 'lapsed';
  reason: string | null;
}

export type AuctionOutcome =
  | { kind: 'won'; prover_id: string; price: Money; refund: Money; why: string }
  | { kind: 'no_winner'; reason: 'no_bids' | 'no_eligible_bid'; why: string };

export interface AuctionExplanation {
  request_id: string;
  mechanism: Mechanism;
  max_price: Money;
  opened_at: string;
  closed_at: string;
  closed_early: boolean;
  entries: AuctionExplanationEntry[];
  outcome: AuctionOutcome;
}

/** An auction's parameters as the coordinator resolved them (prices as strings). */
export interface AuctionSpecView {
  mechanism: Mechanism;
  bid_window_ms: number;
  reveal_window_ms?: number;
  price_weight?: number;
  reputation_weight?: number;
  min_price?: Money;
  ramp_start_ms?: number;
  ramp_period_ms?: number;
  lock_timeout_ms?: number;
  [key: string]: unknown;
}

/** `GET /v1/auctions`, `GET /v1/auctions/:request_id`: one round of a request's auction. */
export interface AuctionView {
  request_id: string;
  round: number;
  mechanism: Mechanism;
  phase: AuctionPhase;
  backend: ProofSystem;
  privacy_level: number;
  program_id: string;
  max_price: Money;
  min_reputation: number;
  allow_list: string[] | null;
  opened_at: string;
  bid_closes_at: string;
  /** `sealed` only. */
  reveal_closes_at: string | null;
  /** `rising` only: the price offered now. */
  current_price: Money | null;
  locked_by: string | null;
  spec: AuctionSpecView;
  /** Once closed. */
  explanation: AuctionExplanation | null;
  /** The request's deadline (sent by this coordinator; not in the contract's minimal view). */
  deadline?: string;
  /** The request's priority 0..100 (as `deadline`). */
  priority?: number;
}

/** `GET /v1/auctions` query. */
export interface AuctionFilter {
  state?: 'open' | 'closed';
  backend?: ProofSystem;
  /** At most this many (the coordinator's default applies when omitted). */
  limit?: number;
}

/** `GET /v1/requests/:id` */
export interface RequestView {
  request_id: string;
  requester: string;
  program_id: string;
  backend: ProofSystem;
  privacy_level: number;
  priority: number;
  max_price: Money;
  min_stake: Money;
  min_reputation: number;
  deadline: string;
  status: RequestStatus;
  assigned_prover: string | null;
  auction: AuctionView | null;
  /** The clearing price once won. */
  price: Money | null;
  /** `fixed`, `weighted`, `sealed`, `rising`, or `subscription`. */
  mechanism: string;
  /** The auction round the request is in (0 for `fixed`: no rounds). */
  round: number;
  allow_list: string[] | null;
  created_at: string;
  history: TaskHistoryEntry[];
}

/** The answer to an accepted bid, commit, reveal or lock (a refusal is a 409 ProofMarketError). */
export interface AuctionActionResult {
  accepted: true;
  phase: AuctionPhase;
  /** This action alone gave the prover the request (a `fixed` take, a `rising` lock). */
  assigned: boolean;
  /** The price it was won at, when `assigned`. */
  price?: Money | null;
}

export interface BidInput {
  prover_id: string;
  fee: Money;
}

export interface CommitInput {
  prover_id: string;
  /** sha256 hex of the sealed bid; see `sealedCommitment` in src/domain/market. */
  commitment: string;
}

export interface RevealInput {
  prover_id: string;
  fee: Money;
  nonce: string;
}

export interface PriceLevel {
  price: Money;
  quantity: number;
}

/** `GET /v1/orderbook?backend=` */
export interface OrderBook {
  backend: ProofSystem;
  /** Pending requests at their max price, best (highest) first. */
  bids: PriceLevel[];
  /** Active provers' base price × free capacity, best (lowest) first. */
  asks: PriceLevel[];
  best_bid: Money | null;
  best_ask: Money | null;
  spread: Money | null;
  crossed: boolean;
  suggested_price: { p50: Money; p90: Money; count: number } | null;
}

/** `POST /v1/subscriptions` */
export interface SubscribeInput {
  requester: string;
  prover_id: string;
  period: 'monthly' | 'annual';
}

export interface Subscription {
  subscription_id: string;
  requester: string;
  prover_id: string;
  period: 'monthly' | 'annual';
  fee: Money;
  /** Proofs per period; `null` = unlimited. */
  quota: number | null;
  used: number;
  starts_at: string;
  ends_at: string;
}

/** `GET /v1/stats?period=`: the window the figures cover. */
export type StatsPeriod = '1h' | '24h' | '7d' | '30d';

/** Count, mean and nearest-rank p90 of durations in milliseconds (null when count is 0). */
export interface StatsDurations {
  count: number;
  mean_ms: number | null;
  p90_ms: number | null;
}

/** One bucket of the series (5 min for 1h, 1 h for 24h, 6 h for 7d, 1 day for 30d). */
export interface StatsBucket {
  start: string;
  end: string;
  /** Requests created in the bucket. */
  created: number;
  /** Requests (created in the period) whose proof was verified in the bucket. */
  completed: number;
  /** Median clearing price of the requests completed in the bucket (all backends). */
  median_price: Money | null;
  /** Median time from creation to verified proof of the requests completed in the bucket. */
  median_latency_ms: number | null;
}

/**
 * `GET /v1/stats`: market analytics over a period. Request figures cover the requests created in the period;
 * provers and utilisation are a snapshot now; money counts the ledger movements of the period. Medians and
 * p90s are nearest-rank (the median of an even count is the lower middle value).
 */
export interface MarketStats {
  period: StatsPeriod;
  from: string;
  to: string;
  bucket_ms: number;
  /** `cancelled`: withdrawn by their requester (counted as `failed` in by_status too). */
  requests: { total: number; by_status: Record<TaskStatus, number> & Record<string, number>; cancelled: number };
  /** completed / (completed + failed), cancelled requests left out; null when none has finished. */
  success_rate: number | null;
  /** Clearing prices of completed requests per backend (subscription requests have none). */
  prices: Array<{ backend: ProofSystem; count: number; median: Money; p90: Money }>;
  /** From creation to the first assignment. */
  time_to_assignment: StatsDurations;
  /** From creation to the verified proof. */
  time_to_proof: StatsDurations;
  provers: { total: number; active: number; busy: number; offline: number; suspended: number };
  /** Provers online (active or busy). */
  active_provers: number;
  /** Tasks held now by online provers / their total capacity (ratio null when no prover is online). */
  utilisation: { held: number; capacity: number; ratio: number | null };
  /** Paid for verified proofs in the period: provers' earnings plus fees. */
  volume_paid: Money;
  /** Credited to the treasury by settlements in the period. */
  fees: Money;
  /** Slashes of the period: standing ones (count, amount) and how many were reversed. */
  slashes: { count: number; amount: Money; reversed: number };
  /** The five provers with the highest reputation (provers without history are left out). */
  top_provers: Array<{ prover_id: string; name: string | null; reputation: number; status: ProverStatus; completed: number }>;
  series: StatsBucket[];
}

// ── accounts and stake (issue #5) ──────────────────────────────────────────────────────────────────

export interface LedgerEntry {
  movement_id: string;
  kind: string;
  cause_type: string | null;
  cause_id: string | null;
  at: string;
  account: string;
  /** Signed: positive credits the account. */
  amount: string;
}

export interface AccountView {
  address: string;
  balance: string;
  /** The provers this address owns, with their stake and earnings. */
  provers: Array<{ prover_id: string; stake: string; locked: string; unstaking: string; earnings: string }>;
  entries: LedgerEntry[];
}

export interface StakeView {
  prover_id: string;
  /** Free stake. */
  stake: string;
  /** Locked behind assignments. */
  locked: string;
  /** On its way out; still slashable. */
  unstaking: string;
  earnings: string;
  min_stake_to_bid: string;
  locks: Array<{ lock_id: string; request_id: string; amount: string; locked_at: string }>;
  unstakes: Array<{ unstake_id: string; amount: string; requested_at: string; available_at: string; state: 'pending' | 'paid'; paid_at: string | null }>;
}

export interface LedgerMovement {
  id: string;
  kind: string;
  at: string;
  entries: Array<{ account: string; amount: string }>;
}

export interface Slash {
  slash_id: string;
  lock_id: string;
  task_id: string;
  prover_id: string;
  amount: string;
  to_requester: string;
  burned: string;
  at: string;
  reversed_at: string | null;
  reversed_by: string | null;
  reversal_reason: string | null;
}

/** A prover's submitter (`/v1/submitters/consent`, `/v1/provers/:id/submitters`). */
export interface SubmitterView {
  prover_id: string;
  /** Lower case. */
  address: string;
  /** `active` = consented and authorized: it may act for the prover. */
  state: 'consented' | 'active' | 'revoked';
  consented_at: string | null;
  authorized_at: string | null;
  revoked_at: string | null;
  /** The address that revoked it: the owner or the submitter. */
  revoked_by: string | null;
}

export interface LedgerAudit {
  ok: boolean;
  problems: string[];
  total: string;
  deposits: string;
  withdrawals: string;
  accounts: number;
}

// ── request bodies and answers of the client's smaller calls (named so src/sdk/endpoints.ts can list them) ──

/** `GET /v1/tasks/:id/proof`: the proof envelope that passed verification, and where it came from. */
export interface VerifiedProof {
  task_id: string;
  program_id: string;
  prover_id: string;
  submitted_at: string;
  system: ProofSystem;
  /** The proof system's proof (for snarkjs systems, the snarkjs proof object). */
  proof: unknown;
  public_signals: string[];
}

/** `GET /v1/tasks` query. */
export interface TaskFilter {
  status?: TaskStatus;
  limit?: number;
}

/** The body of the calls a prover makes about one task or auction (start, release, lock, consent). */
export interface ProverRef {
  prover_id: string;
}

/** `POST /v1/provers/:id/stake`, `…/unstake` */
export interface AmountInput {
  amount: Money;
}

/** `POST /v1/accounts/deposit`, `…/faucet` */
export interface DepositInput {
  amount: Money;
  /** Whose balance: unsigned calls (`--open`) only for a deposit; the faucet's default is the signer. */
  address?: string;
}

/** `POST /v1/accounts/withdraw` */
export interface WithdrawInput {
  amount: Money;
  /** Withdraw this prover's earnings (its owner only). */
  prover_id?: string;
  /** Unsigned calls (`--open`) only: whose balance. */
  address?: string;
}

/** The operator's acts: suspend, reinstate, reverse a slash. */
export interface ReasonInput {
  /** Why (kept in the audit log), 3..1000 characters. */
  reason: string;
}

/** `POST /v1/requests/:id/cancel` */
export interface CancelledRequest {
  request_id: string;
  status: TaskStatus;
  ledger: LedgerMovement[];
}

/** `GET /v1/requests/:id/ledger` */
export interface RequestLedger {
  request_id: string;
  movements: LedgerMovement[];
}

/** `POST /v1/provers/:id/suspend`, `…/reinstate` */
export interface SuspensionView {
  prover_id: string;
  status: ProverStatus;
  suspended_reason: string | null;
}

/** `GET /v1/audit`: one act of the operator. */
export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string;
  reason: string | null;
  detail: unknown;
}
