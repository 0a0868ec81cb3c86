import type * as T from './types.ts';
import { httpRequest, type HttpResponse } from './http.ts';

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

export interface ClientOptions {
  /** e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  /** Per-request timeout in milliseconds (default 30 s). */
  timeoutMs?: number;
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

  constructor(opts: ClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
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
   * Registers (or re-registers, idempotently) a prover; answers its id. `reputation` needs the operator
   * token (`Authorization: Bearer <token>`), else 403 operator_only.
   */
  registerProver(body: T.RegisterProverRequest, opts: { operatorToken?: string } = {}): Promise<string> {
    return this.#json('POST', '/provers/register', body, bearer(opts.operatorToken));
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

  // system
  health(): Promise<T.Health> {
    return this.#json('GET', '/healthz');
  }

  async #fetch(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResponse> {
    const url = this.baseUrl + path;
    try {
      return await httpRequest(url, method, body === undefined ? undefined : JSON.stringify(body), this.#timeoutMs, headers);
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

/** `?a=1&b=x` from the defined fields (empty when none). */
function query(params: object): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) q.set(k, String(v));
  return q.size ? `?${q}` : '';
}

function bearer(token: string | undefined): Record<string, string> | undefined {
  return token === undefined ? undefined : { authorization: `Bearer ${token}` };
}
