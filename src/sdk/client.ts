import { followRequest } from './follow.ts';
import type * as T from '../api/index.ts';
import { fetchExchange, httpRequest, type Exchange, type FetchLike, type HttpResponse } from './http.ts';
import type { Signer } from './signer.ts';
import { ENDPOINTS as E, fillPath, type Endpoint } from './endpoints.ts';
import { ConnectionError, errorFromResponse as toError } from './errors.ts';
import { streamEvents, type EventFilter, type EventsOptions, type MarketEvent } from './events.ts';
import { downloadArtifact, streamArtifact, uploadArtifact, type ArtifactUpload } from './artifacts.ts';
export { ConnectionError, ProofMarketError } from './errors.ts';
export type { EventFilter, EventsOptions, MarketEvent } from './events.ts';
export type { VerifiedProof } from '../api/index.ts';

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
  /**
   * The `fetch` to send requests with. By default: on Node, undici's keep-alive Agent (cheaper per call than
   * Node's fetch); elsewhere (browsers, Deno, Bun, workers) the global `fetch`. See src/sdk/http.ts.
   */
  fetch?: FetchLike;
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
  readonly #exchange: Exchange | undefined;

  constructor(opts: ClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.#signer = opts.signer;
    this.#exchange = opts.fetch && fetchExchange(opts.fetch);
  }

  /** The signer's address (lower case), if this client signs. */
  get address(): string | undefined {
    return this.#signer?.address;
  }

  // tasks (seed API)
  submitTask(body: T.SubmitTaskRequest): Promise<string> {
    return this.#call(E.submitTask, { body });
  }
  taskStatus(taskId: string): Promise<T.TaskStatusResponse> {
    return this.#call(E.taskStatus, { params: [taskId] });
  }
  /**
   * The next task for the prover, or null. `waitSeconds`: long-poll, answered as soon as a task is there (at most
   * that long; the coordinator caps it at 60); `signal` gives up waiting.
   */
  assignTask(proverId: string, waitSeconds?: number, signal?: AbortSignal): Promise<T.AssignedTask | null> {
    if (!waitSeconds) return this.#call(E.assignTask, { params: [proverId], signal });
    return this.#call(E.assignTask, { params: [proverId], query: { wait: String(Math.min(60, Math.floor(waitSeconds))) }, signal, timeoutMs: Math.max(this.#timeoutMs, waitSeconds * 1000 + 10_000) });
  }
  submitResult(body: T.SubmitResultRequest): Promise<T.SubmitResultResponse> {
    return this.#call(E.submitResult, { body });
  }

  // tasks (v1)
  startTask(taskId: string, proverId: string): Promise<T.TaskStatusResponse> {
    return this.#call(E.startTask, { params: [taskId], body: { prover_id: proverId } });
  }
  releaseTask(taskId: string, proverId: string): Promise<T.TaskStatusResponse> {
    return this.#call(E.releaseTask, { params: [taskId], body: { prover_id: proverId } });
  }
  getTask(taskId: string): Promise<T.TaskDetail> {
    return this.#call(E.getTask, { params: [taskId] });
  }
  /**
   * The verified proof of a completed task or request: the proof that passed verification, decoded, with its
   * public signals. 404 `proof_not_found` while none has passed.
   */
  getProof(taskId: string): Promise<T.VerifiedProof> {
    return this.#call(E.getProof, { params: [taskId] });
  }
  listTasks(filter: T.TaskFilter = {}): Promise<T.TaskStatusResponse[]> {
    return this.#call(E.listTasks, { query: filter });
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

  /**
   * Follows a request: yields its view at once, then each time its status, auction round, price or prover
   * changes (read when one of its events arrives, from `events`), until it is completed or failed: the last view
   * is the final one. Aborting `signal` (or leaving the loop) ends it cleanly, without waiting for a call in
   * flight. A failed call (ProofMarketError, ConnectionError) ends it with that error. `intervalMs`: the wait
   * before reconnecting a dropped stream.
   *
   * @example
   * for await (const r of pm.follow(request.request_id, { signal: AbortSignal.timeout(600_000) })) {
   *   console.log(r.status, r.assigned_prover ?? '', r.price ?? '');
   * }
   */
  follow(requestId: string, opts: { intervalMs?: number; signal?: AbortSignal } = {}): AsyncGenerator<T.RequestView, void, undefined> {
    return followRequest(this, requestId, opts);
  }

  /**
   * The market's events as they happen (GET /v1/events, Server-Sent Events), filtered, in order. It reconnects
   * when the stream drops and resumes after the last event received, so none is lost or repeated; `after`
   * starts after a given event id ('0': from the first). Aborting `signal` ends it cleanly.
   *
   * @example
   * for await (const e of pm.events({ kind: 'request.' }, { after: '0' })) console.log(e.id, e.kind, e.request_id);
   */
  events(filter: EventFilter = {}, opts: EventsOptions = {}): AsyncGenerator<MarketEvent, void, undefined> {
    return streamEvents(`${this.baseUrl}${E.events.path}${query(filter)}`, {
      refused: (res) => toError(res),
      unreachable: (err) => new ConnectionError(this.baseUrl, (err as { cause?: unknown } | undefined)?.cause ?? err),
    }, opts);
  }

  // provers (seed API)
  listProvers(): Promise<T.Prover[]> {
    return this.#call(E.listProvers);
  }
  /**
   * Registers (or re-registers, idempotently) a prover; answers its id. The signer owns it. `reputation`
   * needs the market operator's key (else 403 operator_only).
   */
  registerProver(body: T.RegisterProverRequest): Promise<string> {
    return this.#call(E.registerProver, { body });
  }
  heartbeat(body: T.HeartbeatRequest): Promise<T.HeartbeatResponse> {
    return this.#call(E.heartbeat, { body });
  }

  // backends and provers (market API, docs/market-api.md)
  listBackends(): Promise<T.Backend[]> {
    return this.#call(E.listBackends);
  }
  listProversV1(filter: T.ProverFilter = {}): Promise<T.ProverProfile[]> {
    return this.#call(E.listProversV1, { query: filter });
  }
  getProver(proverId: string): Promise<T.ProverProfile> {
    return this.#call(E.getProver, { params: [proverId] });
  }
  proverReputation(proverId: string): Promise<T.ProverReputation> {
    return this.#call(E.proverReputation, { params: [proverId] });
  }

  // requests and auctions (market API)
  submitRequest(body: T.SubmitRequestInput): Promise<T.RequestView> {
    return this.#call(E.submitRequest, { body });
  }
  getRequest(requestId: string): Promise<T.RequestView> {
    return this.#call(E.getRequest, { params: [requestId] });
  }
  /** The request history, newest first: filters combine, `offset`/`limit` page it; `total` counts every match. */
  listRequests(filter: T.RequestListFilter = {}): Promise<T.RequestList> {
    return this.#call(E.listRequests, { query: filter });
  }
  /** Open auctions come oldest first. */
  listAuctions(filter: T.AuctionFilter = {}): Promise<T.AuctionView[]> {
    return this.#call(E.listAuctions, { query: filter });
  }
  /** The current round, or an earlier one with `round`. */
  getAuction(requestId: string, round?: number): Promise<T.AuctionView> {
    return this.#call(E.getAuction, { params: [requestId], query: { round } });
  }
  /**
   * A bid (`weighted`) or a take (`fixed`). A refusal is a 409 ProofMarketError whose `code` is a
   * `T.AuctionRejection` (lost race, phase closed, capacity full, …); so are commit, reveal and lock's.
   */
  bid(requestId: string, body: T.BidInput): Promise<T.AuctionActionResult> {
    return this.#call(E.bid, { params: [requestId], body });
  }
  /** `sealed`, bidding phase: the commitment of `sealedCommitment({ request_id, prover_id, fee, nonce })`. */
  commit(requestId: string, body: T.CommitInput): Promise<T.AuctionActionResult> {
    return this.#call(E.commit, { params: [requestId], body });
  }
  /** `sealed`, reveal phase: the fee and nonce committed to. */
  reveal(requestId: string, body: T.RevealInput): Promise<T.AuctionActionResult> {
    return this.#call(E.reveal, { params: [requestId], body });
  }
  /** `rising`: take the request at the current price. */
  lock(requestId: string, proverId: string): Promise<T.AuctionActionResult> {
    return this.#call(E.lock, { params: [requestId], body: { prover_id: proverId } });
  }
  /** `requester_choice`: the prover withdraws its bid (final: it can no longer be chosen). */
  withdrawBid(requestId: string, proverId: string): Promise<T.AuctionActionResult> {
    return this.#call(E.withdrawBid, { params: [requestId], body: { prover_id: proverId } });
  }
  /** `requester_choice`: the current round's bids with each prover's reputation and free stake (sign as the requester). */
  listBids(requestId: string): Promise<T.BidList> {
    return this.#call(E.listBids, { params: [requestId] });
  }
  /** `requester_choice`: pick a bid by its `bid_id`; its prover is assigned at the bid's fee (sign as the requester). */
  chooseBid(requestId: string, bidId: string): Promise<T.ChoiceResult> {
    return this.#call(E.chooseBid, { params: [requestId], body: { bid_id: bidId } });
  }
  orderBook(backend: T.ProofSystem): Promise<T.OrderBook> {
    return this.#call(E.orderBook, { query: { backend } });
  }

  // subscriptions (market API)
  subscribe(body: T.SubscribeInput): Promise<T.Subscription> {
    return this.#call(E.subscribe, { body });
  }
  getSubscription(subscriptionId: string): Promise<T.Subscription> {
    return this.#call(E.getSubscription, { params: [subscriptionId] });
  }

  // programs
  listPrograms(): Promise<T.Program[]> {
    return this.#call(E.listPrograms);
  }
  getProgram(programId: string): Promise<T.Program> {
    return this.#call(E.getProgram, { params: [programId] });
  }
  registerProgram(body: T.RegisterProgramRequest): Promise<T.Program> {
    return this.#call(E.registerProgram, { body });
  }
  /** The raw bytes of a program artifact (the vkey as its JSON text). */
  async downloadArtifact(programId: string, kind: 'wasm' | 'zkey' | 'vkey'): Promise<Uint8Array> {
    const res = await this.#fetch(E.downloadArtifact, fillPath(E.downloadArtifact.path, [programId, kind]));
    if (!res.ok) throw await toError(res);
    return new Uint8Array(await res.arrayBuffer());
  }

  // accounts, stake and the operator (issue #5; money in base units, as decimal strings)
  /** Deposits into the signer's balance (recorded on trust until deposits are backed on chain). */
  deposit(amount: string, opts: { address?: string } = {}): Promise<T.AccountView> {
    return this.#call(E.deposit, { body: { amount, ...opts } });
  }
  /** Dev mode (`serve --open`) only: free funds. */
  faucet(amount: string, address?: string): Promise<T.AccountView> {
    return this.#call(E.faucet, { body: { amount, ...(address ? { address } : {}) } });
  }
  /** From the signer's balance, or from the earnings of a prover it owns (`prover_id`). */
  withdraw(amount: string, opts: { prover_id?: string; address?: string } = {}): Promise<T.AccountView> {
    return this.#call(E.withdraw, { body: { amount, ...opts } });
  }
  account(address: string): Promise<T.AccountView> {
    return this.#call(E.account, { params: [address] });
  }
  stake(proverId: string, amount: string): Promise<T.StakeView> {
    return this.#call(E.stake, { params: [proverId], body: { amount } });
  }
  /** Starts unstaking; the amount stays slashable until the coordinator's unstake delay has passed. */
  unstake(proverId: string, amount: string): Promise<T.StakeView> {
    return this.#call(E.unstake, { params: [proverId], body: { amount } });
  }
  stakeOf(proverId: string): Promise<T.StakeView> {
    return this.#call(E.stakeOf, { params: [proverId] });
  }
  /** A pending request, by its requester: it fails (cause `cancelled`) and is refunded in full. */
  cancelRequest(requestId: string): Promise<T.CancelledRequest> {
    return this.#call(E.cancelRequest, { params: [requestId] });
  }
  requestLedger(requestId: string): Promise<T.RequestLedger> {
    return this.#call(E.requestLedger, { params: [requestId] });
  }
  listSlashes(filter: { prover_id?: string } = {}): Promise<T.Slash[]> {
    return this.#call(E.listSlashes, { query: filter });
  }
  /** The market operator only. */
  reverseSlash(slashId: string, reason: string): Promise<T.Slash> {
    return this.#call(E.reverseSlash, { params: [slashId], body: { reason } });
  }
  /** The market operator only. */
  suspendProver(proverId: string, reason: string): Promise<T.SuspensionView> {
    return this.#call(E.suspendProver, { params: [proverId], body: { reason } });
  }
  /** The market operator only. */
  reinstateProver(proverId: string, reason: string): Promise<T.SuspensionView> {
    return this.#call(E.reinstateProver, { params: [proverId], body: { reason } });
  }
  // submitters (issue #5 §1): keys a prover's owner lets bid and submit for it
  /** Signed by the submitter itself: it agrees to act for the prover, whose owner may then authorize it. */
  consentSubmitter(proverId: string): Promise<T.SubmitterView> {
    return this.#call(E.consentSubmitter, { body: { prover_id: proverId } });
  }
  /** Signed by the prover's owner; the address must have consented (409 `submitter_not_consented` before). */
  authorizeSubmitter(proverId: string, address: string): Promise<T.SubmitterView> {
    return this.#call(E.authorizeSubmitter, { params: [proverId], body: { address } });
  }
  /** Signed by the prover's owner or by the submitter itself. */
  revokeSubmitter(proverId: string, address: string): Promise<T.SubmitterView> {
    return this.#call(E.revokeSubmitter, { params: [proverId, address] });
  }
  /** A prover's submitters, in every state (consented, active, revoked). */
  listSubmitters(proverId: string): Promise<T.SubmitterView[]> {
    return this.#call(E.listSubmitters, { params: [proverId] });
  }
  auditLog(): Promise<T.AuditEntry[]> {
    return this.#call(E.auditLog);
  }
  /** The ledger's self-check (`ok`, and the problems found). */
  ledgerAudit(): Promise<T.LedgerAudit> {
    return this.#call(E.ledgerAudit);
  }

  // analytics
  /** Market analytics over a period (default 24h): requests, success rate, prices, waits, provers, money, series. */
  stats(period?: T.StatsPeriod): Promise<T.MarketStats> {
    return this.#call(E.stats, { query: { period } });
  }

  // container jobs (seed 004; helpers for requesters and provider agents in src/sdk/jobs.ts). Unsigned calls
  // (--open) name their party in the body: `requester` (createJob), `providerAddr` (startJob, submitJobResults).
  createJob(body: T.CreateJobRequest): Promise<T.CreatedJob> { return this.#call(E.createJob, { body }); }
  /** Off chain the price moves from the signer's balance into the job's escrow; `txHash` is recorded. */
  fundJob(jobId: string, body: T.FundJobRequest = {}): Promise<T.JobOk> { return this.#call(E.fundJob, { params: [jobId], body }); }
  matchJob(jobId: string, providerAddr: string): Promise<T.JobOk> { return this.#call(E.matchJob, { body: { jobId, providerAddr } }); }
  /** `{ status: 'MATCHED', provider }` is a provider agent's poll. */
  listJobs(filter: T.QueryInput<T.JobListQuery> = {}): Promise<T.JobList> { return this.#call(E.listJobs, { query: filter }); }
  startJob(jobId: string, body: T.StartJobRequest = {}): Promise<T.JobOk> { return this.#call(E.startJob, { params: [jobId], body }); }
  /** Answers FAILED (and the requester is refunded) for a non-zero exit code or a `failure`. */
  submitJobResults(body: T.SubmitJobResultsRequest): Promise<T.JobOk> { return this.#call(E.submitJobResults, { body }); }
  getJob(jobId: string): Promise<T.JobView> { return this.#call(E.getJob, { params: [jobId] }); }
  acceptJob(jobId: string, body: T.AcceptJobRequest = {}): Promise<T.AcceptedJob> { return this.#call(E.acceptJob, { params: [jobId], body }); }
  cancelJob(jobId: string): Promise<T.CanceledJob> { return this.#call(E.cancelJob, { params: [jobId] }); }
  advertiseProvider(body: T.AdvertiseProviderRequest): Promise<T.ProviderAdvert> { return this.#call(E.advertiseProvider, { body }); }
  // artifacts (content-addressed)
  /** Stores bytes (or a stream with its sha256) in the coordinator's artifact store; answers their CIDv1. */
  putArtifact(data: Uint8Array | ArtifactUpload): Promise<T.StoredArtifact> {
    return uploadArtifact({ baseUrl: this.baseUrl, signer: this.#signer, timeoutMs: this.#timeoutMs }, E.putArtifact.path, data);
  }
  /** An artifact's bytes, checked against `cid` here (a coordinator is trusted for availability only). */
  getArtifact(cid: string): Promise<Uint8Array> {
    return downloadArtifact({ baseUrl: this.baseUrl, timeoutMs: this.#timeoutMs }, fillPath(E.getArtifact.path, [cid]), cid);
  }
  /** An artifact as a stream, unchecked: check the CID of what you read (cidOfStream). */
  streamArtifact(cid: string): Promise<{ size: number; body: ReadableStream<Uint8Array> }> {
    return streamArtifact({ baseUrl: this.baseUrl, timeoutMs: this.#timeoutMs }, fillPath('/v1/artifacts/{cid}', [cid]));
  }
  listModels(): Promise<T.Model[]> { return this.#call(E.listModels); }
  getModel(modelId: string): Promise<T.ModelDetail> { return this.#call(E.getModel, { params: [modelId] }); }
  registerModel(body: T.RegisterModelRequest): Promise<T.Model> { return this.#call(E.registerModel, { body }); }
  /** The dashboard's charts over a period: requests by status, prices per backend, time to proof, verdicts. */
  statsSeries(period?: T.StatsPeriod): Promise<T.MarketSeries> {
    return this.#call(E.statsSeries, { query: { period } });
  }

  // system
  health(): Promise<T.Health> { return this.#call(E.health); }
  /** The chain a coordinator settles on (404 chain_not_configured off chain): contracts, indexer, latest settlements. */
  chain(limit?: number): Promise<T.ChainOverview> { return this.#call(E.chain, { query: limit === undefined ? {} : { limit: String(limit) } }); }

  /** Signs every call but a plain GET (`signed` marks the GETs that change something) when it has a signer. */
  async #fetch(ep: Endpoint<unknown, unknown, unknown>, path: string, body?: unknown, opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<HttpResponse> {
    const url = this.baseUrl + path;
    try {
      const signer = this.#signer && (ep.method !== 'GET' || ep.signed) ? this.#signer : undefined;
      const json = body === undefined ? undefined : JSON.stringify(body);
      return await httpRequest(url, ep.method, json, opts.timeoutMs ?? this.#timeoutMs, undefined, signer, this.#exchange, opts.signal);
    } catch (err) {
      throw new ConnectionError(this.baseUrl, (err as { cause?: unknown }).cause ?? err);
    }
  }

  /** One call of the table (src/sdk/endpoints.ts): `params` fill the path's `{…}` in order. */
  async #call<R, B, Q>(
    ep: Endpoint<R, B, Q>,
    args: { params?: readonly string[]; body?: NoInfer<B>; query?: NoInfer<Q>; signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<R> {
    const path = fillPath(ep.path, args.params ?? []) + (args.query === undefined ? '' : query(args.query as object));
    const res = await this.#fetch(ep, path, args.body, args);
    if (!res.ok) throw await toError(res);
    // Routes that answer a bare id (POST /tasks, POST /provers/register) send it as text/plain.
    if (!(res.headers.get('content-type') ?? '').includes('json')) return (await res.text()) as R;
    return (await res.json()) as R;
  }
}
/** `?a=1&b=x` from the defined fields (empty when none). */
function query(params: object): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) q.set(k, String(v));
  return q.size ? `?${q}` : '';
}
