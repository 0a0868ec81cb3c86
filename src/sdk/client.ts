import type * as T from './types.ts';
import { httpRequest, type HttpResponse } from './http.ts';
import type { Signer } from './signer.ts';

/** The coordinator answered with an error: `code` is its stable error code, `status` the HTTP status. */
export class ProofMarketError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ProofMarketError';
  }
}

/** The coordinator could not be reached (refused, reset, timed out). Retrying later may help. */
export class ConnectionError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`cannot reach the coordinator at ${url}: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'ConnectionError';
  }
}

/** `GET /v1/tasks/:id/proof`: the proof envelope that passed verification, and where it came from. */
export interface VerifiedProof {
  task_id: string;
  program_id: string;
  prover_id: string;
  submitted_at: string;
  system: T.ProofSystem;
  /** The proof system's proof (for snarkjs systems, the snarkjs proof object). */
  proof: unknown;
  public_signals: string[];
}

export interface ClientOptions {
  /** e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  /** Per-request timeout in milliseconds (default 30 s). */
  timeoutMs?: number;
  /**
   * Signs the calls as one participant (e.g. `privateKeySigner(key)` or `loadSigner()` of the CLI): every
   * POST/PUT/PATCH/DELETE, and the prover's poll `GET /tasks/assign/…` (which claims a task). Without one,
   * calls go unsigned, which only a coordinator running `--open` accepts for mutating calls.
   */
  signer?: Signer;
}

/**
 * Typed client for the proofmarket coordinator. The CLI, the prover node, the demo and the tests all
 * speak to the coordinator through it.
 *
 * @example
 * const pm = new ProofMarketClient({ baseUrl: 'http://127.0.0.1:8080' });
 * const id = await pm.submitTask({ privacy_level: 1, circuit_data: [1, 2, 3], reward_amount: '100', requester: 'me' });
 * const done = await pm.waitForTask(id);
 */
export class ProofMarketClient {
  readonly baseUrl: string;
  readonly #timeoutMs: number;
  readonly #signer: Signer | undefined;

  constructor(opts: ClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.#signer = opts.signer;
  }

  /** The signer's address (lower case), if this client signs. */
  get address(): string | undefined {
    return this.#signer?.address;
  }

  // tasks (seed API)
  submitTask(body: T.SubmitTaskRequest): Promise<string> {
    return this.#json('POST', '/tasks', body);
  }
  taskStatus(taskId: string): Promise<T.TaskStatusResponse> {
    return this.#json('GET', `/tasks/${enc(taskId)}/status`);
  }
  assignTask(proverId: string): Promise<T.AssignedTask | null> {
    return this.#json('GET', `/tasks/assign/${enc(proverId)}`);
  }
  submitResult(body: T.SubmitResultRequest): Promise<T.SubmitResultResponse> {
    return this.#json('POST', '/tasks/result', body);
  }

  // tasks (v1)
  startTask(taskId: string, proverId: string): Promise<T.TaskStatusResponse> {
    return this.#json('POST', `/v1/tasks/${enc(taskId)}/start`, { prover_id: proverId });
  }
  releaseTask(taskId: string, proverId: string): Promise<T.TaskStatusResponse> {
    return this.#json('POST', `/v1/tasks/${enc(taskId)}/release`, { prover_id: proverId });
  }
  getTask(taskId: string): Promise<T.TaskDetail> {
    return this.#json('GET', `/v1/tasks/${enc(taskId)}`);
  }
  /**
   * The verified proof of a completed task or request: the proof that passed verification, decoded, with its
   * public signals. 404 `proof_not_found` while none has passed.
   */
  getProof(taskId: string): Promise<VerifiedProof> {
    return this.#json('GET', `/v1/tasks/${enc(taskId)}/proof`);
  }
  listTasks(filter: { status?: T.TaskStatus; limit?: number } = {}): Promise<T.TaskStatusResponse[]> {
    const q = new URLSearchParams();
    if (filter.status) q.set('status', filter.status);
    if (filter.limit !== undefined) q.set('limit', String(filter.limit));
    return this.#json('GET', `/v1/tasks${q.size ? `?${q}` : ''}`);
  }

  /** Polls until the task is completed or failed (or `timeoutMs` passes), and returns its last status. */
  async waitForTask(taskId: string, opts: { intervalMs?: number; timeoutMs?: number; onStatus?: (s: T.TaskStatusResponse) => void } = {}): Promise<T.TaskStatusResponse> {
    const until = Date.now() + (opts.timeoutMs ?? 600_000);
    for (;;) {
      const s = await this.taskStatus(taskId);
      opts.onStatus?.(s);
      if (s.status === 'completed' || s.status === 'failed') return s;
      if (Date.now() > until) throw new Error(`task ${taskId} is still ${s.status} after waiting`);
      await new Promise((r) => setTimeout(r, opts.intervalMs ?? 250));
    }
  }

  // provers (seed API)
  listProvers(): Promise<T.Prover[]> {
    return this.#json('GET', '/provers');
  }
  /**
   * Registers (or re-registers, idempotently) a prover; answers its id. The signer owns it. `reputation`
   * needs the market operator's key (else 403 operator_only).
   */
  registerProver(body: T.RegisterProverRequest): Promise<string> {
    return this.#json('POST', '/provers/register', body);
  }
  heartbeat(body: T.HeartbeatRequest): Promise<T.HeartbeatResponse> {
    return this.#json('POST', '/provers/heartbeat', body);
  }

  // backends and provers (market API, docs/market-api.md)
  listBackends(): Promise<T.Backend[]> {
    return this.#json('GET', '/v1/backends');
  }
  listProversV1(filter: T.ProverFilter = {}): Promise<T.ProverProfile[]> {
    return this.#json('GET', `/v1/provers${query(filter)}`);
  }
  getProver(proverId: string): Promise<T.ProverProfile> {
    return this.#json('GET', `/v1/provers/${enc(proverId)}`);
  }
  proverReputation(proverId: string): Promise<T.ProverReputation> {
    return this.#json('GET', `/v1/provers/${enc(proverId)}/reputation`);
  }

  // requests and auctions (market API)
  submitRequest(body: T.SubmitRequestInput): Promise<T.RequestView> {
    return this.#json('POST', '/v1/requests', body);
  }
  getRequest(requestId: string): Promise<T.RequestView> {
    return this.#json('GET', `/v1/requests/${enc(requestId)}`);
  }
  /** Open auctions come oldest first. */
  listAuctions(filter: T.AuctionFilter = {}): Promise<T.AuctionView[]> {
    return this.#json('GET', `/v1/auctions${query(filter)}`);
  }
  /** The current round, or an earlier one with `round`. */
  getAuction(requestId: string, round?: number): Promise<T.AuctionView> {
    return this.#json('GET', `/v1/auctions/${enc(requestId)}${query({ round })}`);
  }
  /**
   * A bid (`weighted`) or a take (`fixed`). A refusal is a 409 ProofMarketError whose `code` is a
   * `T.AuctionRejection` (lost race, phase closed, capacity full, …); so are commit, reveal and lock's.
   */
  bid(requestId: string, body: T.BidInput): Promise<T.AuctionActionResult> {
    return this.#json('POST', `/v1/auctions/${enc(requestId)}/bids`, body);
  }
  /** `sealed`, bidding phase: the commitment of `sealedCommitment({ request_id, prover_id, fee, nonce })`. */
  commit(requestId: string, body: T.CommitInput): Promise<T.AuctionActionResult> {
    return this.#json('POST', `/v1/auctions/${enc(requestId)}/commit`, body);
  }
  /** `sealed`, reveal phase: the fee and nonce committed to. */
  reveal(requestId: string, body: T.RevealInput): Promise<T.AuctionActionResult> {
    return this.#json('POST', `/v1/auctions/${enc(requestId)}/reveal`, body);
  }
  /** `rising`: take the request at the current price. */
  lock(requestId: string, proverId: string): Promise<T.AuctionActionResult> {
    return this.#json('POST', `/v1/auctions/${enc(requestId)}/lock`, { prover_id: proverId });
  }
  orderBook(backend: T.ProofSystem): Promise<T.OrderBook> {
    return this.#json('GET', `/v1/orderbook${query({ backend })}`);
  }

  // subscriptions (market API)
  subscribe(body: T.SubscribeInput): Promise<T.Subscription> {
    return this.#json('POST', '/v1/subscriptions', body);
  }
  getSubscription(subscriptionId: string): Promise<T.Subscription> {
    return this.#json('GET', `/v1/subscriptions/${enc(subscriptionId)}`);
  }

  // programs
  listPrograms(): Promise<T.Program[]> {
    return this.#json('GET', '/programs');
  }
  getProgram(programId: string): Promise<T.Program> {
    return this.#json('GET', `/programs/${enc(programId)}`);
  }
  registerProgram(body: T.RegisterProgramRequest): Promise<T.Program> {
    return this.#json('POST', '/programs', body);
  }
  /** The raw bytes of a program artifact (the vkey as its JSON text). */
  async downloadArtifact(programId: string, kind: 'wasm' | 'zkey' | 'vkey'): Promise<Uint8Array> {
    const res = await this.#fetch('GET', `/programs/${enc(programId)}/artifacts/${kind}`);
    if (!res.ok) throw await toError(res);
    return new Uint8Array(await res.arrayBuffer());
  }

  // accounts, stake and the operator (issue #5; money in base units, as decimal strings)
  /** Deposits into the signer's balance (recorded on trust until deposits are backed on chain). */
  deposit(amount: string, opts: { address?: string } = {}): Promise<T.AccountView> {
    return this.#json('POST', '/v1/accounts/deposit', { amount, ...opts });
  }
  /** Dev mode (`serve --open`) only: free funds. */
  faucet(amount: string, address?: string): Promise<T.AccountView> {
    return this.#json('POST', '/v1/accounts/faucet', { amount, ...(address ? { address } : {}) });
  }
  /** From the signer's balance, or from the earnings of a prover it owns (`prover_id`). */
  withdraw(amount: string, opts: { prover_id?: string } = {}): Promise<T.AccountView> {
    return this.#json('POST', '/v1/accounts/withdraw', { amount, ...opts });
  }
  account(address: string): Promise<T.AccountView> {
    return this.#json('GET', `/v1/accounts/${enc(address)}`);
  }
  stake(proverId: string, amount: string): Promise<T.StakeView> {
    return this.#json('POST', `/v1/provers/${enc(proverId)}/stake`, { amount });
  }
  /** Starts unstaking; the amount stays slashable until the coordinator's unstake delay has passed. */
  unstake(proverId: string, amount: string): Promise<T.StakeView> {
    return this.#json('POST', `/v1/provers/${enc(proverId)}/unstake`, { amount });
  }
  stakeOf(proverId: string): Promise<T.StakeView> {
    return this.#json('GET', `/v1/provers/${enc(proverId)}/stake`);
  }
  /** A pending request, by its requester: it fails (cause `cancelled`) and is refunded in full. */
  cancelRequest(requestId: string): Promise<{ request_id: string; status: T.TaskStatus; ledger: T.LedgerMovement[] }> {
    return this.#json('POST', `/v1/requests/${enc(requestId)}/cancel`);
  }
  requestLedger(requestId: string): Promise<{ request_id: string; movements: T.LedgerMovement[] }> {
    return this.#json('GET', `/v1/requests/${enc(requestId)}/ledger`);
  }
  listSlashes(filter: { prover_id?: string } = {}): Promise<T.Slash[]> {
    return this.#json('GET', `/v1/slashes${query(filter)}`);
  }
  /** The market operator only. */
  reverseSlash(slashId: string, reason: string): Promise<T.Slash> {
    return this.#json('POST', `/v1/slashes/${enc(slashId)}/reverse`, { reason });
  }
  /** The market operator only. */
  suspendProver(proverId: string, reason: string): Promise<{ prover_id: string; status: T.ProverStatus; suspended_reason: string | null }> {
    return this.#json('POST', `/v1/provers/${enc(proverId)}/suspend`, { reason });
  }
  /** The market operator only. */
  reinstateProver(proverId: string, reason: string): Promise<{ prover_id: string; status: T.ProverStatus; suspended_reason: string | null }> {
    return this.#json('POST', `/v1/provers/${enc(proverId)}/reinstate`, { reason });
  }
  // submitters (issue #5 §1): keys a prover's owner lets bid and submit for it
  /** Signed by the submitter itself: it agrees to act for the prover, whose owner may then authorize it. */
  consentSubmitter(proverId: string): Promise<T.SubmitterView> {
    return this.#json('POST', '/v1/submitters/consent', { prover_id: proverId });
  }
  /** Signed by the prover's owner; the address must have consented (409 `submitter_not_consented` before). */
  authorizeSubmitter(proverId: string, address: string): Promise<T.SubmitterView> {
    return this.#json('POST', `/v1/provers/${enc(proverId)}/submitters`, { address });
  }
  /** Signed by the prover's owner or by the submitter itself. */
  revokeSubmitter(proverId: string, address: string): Promise<T.SubmitterView> {
    return this.#json('DELETE', `/v1/provers/${enc(proverId)}/submitters/${enc(address)}`);
  }
  /** A prover's submitters, in every state (consented, active, revoked). */
  listSubmitters(proverId: string): Promise<T.SubmitterView[]> {
    return this.#json('GET', `/v1/provers/${enc(proverId)}/submitters`);
  }
  auditLog(): Promise<Array<{ id: string; at: string; actor: string; action: string; target: string; reason: string | null; detail: unknown }>> {
    return this.#json('GET', '/v1/audit');
  }
  /** The ledger's self-check (`ok`, and the problems found). */
  ledgerAudit(): Promise<T.LedgerAudit> {
    return this.#json('GET', '/v1/ledger/audit');
  }

  // analytics
  /** Market analytics over a period (default 24h): requests, success rate, prices, waits, provers, money, series. */
  stats(period?: T.StatsPeriod): Promise<T.MarketStats> {
    return this.#json('GET', `/v1/stats${query({ period })}`);
  }

  // system
  health(): Promise<T.Health> {
    return this.#json('GET', '/healthz');
  }

  async #fetch(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResponse> {
    const url = this.baseUrl + path;
    try {
      const signer = this.#signer && (method !== 'GET' || CLAIMING_GET.test(path)) ? this.#signer : undefined;
      return await httpRequest(url, method, body === undefined ? undefined : JSON.stringify(body), this.#timeoutMs, headers, signer);
    } catch (err) {
      throw new ConnectionError(this.baseUrl, (err as { cause?: unknown }).cause ?? err);
    }
  }

  async #json<R>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<R> {
    const res = await this.#fetch(method, path, body, headers);
    if (!res.ok) throw await toError(res);
    // Routes that answer a bare id (POST /tasks, POST /provers/register) send it as text/plain.
    if (!(res.headers.get('content-type') ?? '').includes('json')) return (await res.text()) as R;
    return (await res.json()) as R;
  }
}

async function toError(res: HttpResponse): Promise<ProofMarketError> {
  const text = await res.text();
  try {
    const { error } = JSON.parse(text) as { error: { code: string; message: string } };
    return new ProofMarketError(res.status, error.code, error.message);
  } catch {
    return new ProofMarketError(res.status, `http_${res.status}`, text.slice(0, 200) || res.statusText);
  }
}

const enc = encodeURIComponent;

/** GETs that change something (a poll claims a task), so a signing client signs them too. */
const CLAIMING_GET = /^\/tasks\/assign\//;

/** `?a=1&b=x` from the defined fields (empty when none). */
function query(params: object): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) q.set(k, String(v));
  return q.size ? `?${q}` : '';
}

