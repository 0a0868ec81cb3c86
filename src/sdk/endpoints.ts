// Every route the SDK calls, in one table: its method, its path (OpenAPI style), and the types it sends and
// answers. The client's methods are typed by it (`ProofMarketClient#call`), and test/sdk-openapi.test.ts
// compares it with the coordinator's /openapi.json, so the SDK's types and the server's schemas cannot drift
// apart unnoticed. The types themselves come from the API contract (src/api), as the server's schemas do. A new route needs a row here, a client method of the same name, and a green drift test.
import type * as T from '../api/index.ts';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/**
 * One route. `path` names its parameters OpenAPI style (`/v1/requests/{request_id}`); the client fills them
 * in order. `Res`, `Body` and `Query` exist for the compiler only (`never` = the route takes none).
 */
export interface Endpoint<Res = unknown, Body = never, Query = never> {
  readonly method: HttpMethod;
  readonly path: string;
  /** A GET that changes something (a prover's poll claims a task) or that only one party may read (a round's bids), so a signing client signs it too. */
  readonly signed?: boolean;
  /** Never set at run time: carries the types to the client and to the drift test. */
  readonly types?: { response: Res; body: Body; query: Query };
}

const get = <Res, Query = never>(path: string, opts: { signed?: boolean } = {}): Endpoint<Res, never, Query> => ({ method: 'GET', path, ...opts });
const post = <Res, Body = never>(path: string): Endpoint<Res, Body> => ({ method: 'POST', path });
const del = <Res>(path: string): Endpoint<Res> => ({ method: 'DELETE', path });

/** The routes the client calls, by the name of the `ProofMarketClient` method that calls each. */
export const ENDPOINTS = {
  // tasks (seed API)
  submitTask: post<string, T.SubmitTaskRequest>('/tasks'),
  taskStatus: get<T.TaskStatusResponse>('/tasks/{task_id}/status'),
  assignTask: get<T.AssignedTask | null, T.AssignQuery>('/tasks/assign/{prover_id}', { signed: true }),
  submitResult: post<T.SubmitResultResponse, T.SubmitResultRequest>('/tasks/result'),
  // tasks (v1)
  startTask: post<T.TaskStatusResponse, T.ProverRef>('/v1/tasks/{task_id}/start'),
  releaseTask: post<T.TaskStatusResponse, T.ProverRef>('/v1/tasks/{task_id}/release'),
  getTask: get<T.TaskDetail>('/v1/tasks/{task_id}'),
  getProof: get<T.VerifiedProof>('/v1/tasks/{task_id}/proof'),
  listTasks: get<T.TaskStatusResponse[], T.TaskFilter>('/v1/tasks'),
  // provers (seed API)
  listProvers: get<T.Prover[]>('/provers'),
  registerProver: post<string, T.RegisterProverRequest>('/provers/register'),
  heartbeat: post<T.HeartbeatResponse, T.HeartbeatRequest>('/provers/heartbeat'),
  // backends and provers (market API)
  listBackends: get<T.Backend[]>('/v1/backends'),
  listProversV1: get<T.ProverProfile[], T.ProverFilter>('/v1/provers'),
  getProver: get<T.ProverProfile>('/v1/provers/{prover_id}'),
  proverReputation: get<T.ProverReputation>('/v1/provers/{prover_id}/reputation'),
  // requests and auctions
  submitRequest: post<T.RequestView, T.SubmitRequestInput>('/v1/requests'),
  getRequest: get<T.RequestView>('/v1/requests/{request_id}'),
  listRequests: get<T.RequestList, T.RequestListFilter>('/v1/requests'),
  listAuctions: get<T.AuctionView[], T.AuctionFilter>('/v1/auctions'),
  getAuction: get<T.AuctionView, T.QueryInput<T.AuctionRoundQuery>>('/v1/auctions/{request_id}'),
  bid: post<T.AuctionActionResult, T.BidInput>('/v1/auctions/{request_id}/bids'),
  commit: post<T.AuctionActionResult, T.CommitInput>('/v1/auctions/{request_id}/commit'),
  reveal: post<T.AuctionActionResult, T.RevealInput>('/v1/auctions/{request_id}/reveal'),
  lock: post<T.AuctionActionResult, T.LockInput>('/v1/auctions/{request_id}/lock'),
  withdrawBid: post<T.AuctionActionResult, T.WithdrawBidInput>('/v1/auctions/{request_id}/withdraw'),
  /** signed: only the requester may list a requester_choice round's bids */
  listBids: get<T.BidList>('/v1/auctions/{request_id}/bids', { signed: true }),
  chooseBid: post<T.ChoiceResult, T.ChoiceInput>('/v1/auctions/{request_id}/choice'),
  orderBook: get<T.OrderBook, T.OrderBookQuery>('/v1/orderbook'),
  // subscriptions
  subscribe: post<T.Subscription, T.SubscribeInput>('/v1/subscriptions'),
  getSubscription: get<T.Subscription>('/v1/subscriptions/{subscription_id}'),
  // programs
  listPrograms: get<T.Program[]>('/programs'),
  getProgram: get<T.Program>('/programs/{program_id}'),
  registerProgram: post<T.Program, T.RegisterProgramRequest>('/programs'),
  downloadArtifact: get<Uint8Array>('/programs/{program_id}/artifacts/{kind}'),
  // accounts, stake and the operator
  deposit: post<T.AccountView, T.DepositInput>('/v1/accounts/deposit'),
  faucet: post<T.AccountView, T.FaucetInput>('/v1/accounts/faucet'),
  withdraw: post<T.AccountView, T.WithdrawInput>('/v1/accounts/withdraw'),
  account: get<T.AccountView>('/v1/accounts/{address}'),
  stake: post<T.StakeView, T.AmountInput>('/v1/provers/{prover_id}/stake'),
  unstake: post<T.StakeView, T.AmountInput>('/v1/provers/{prover_id}/unstake'),
  stakeOf: get<T.StakeView>('/v1/provers/{prover_id}/stake'),
  cancelRequest: post<T.CancelledRequest>('/v1/requests/{request_id}/cancel'),
  requestLedger: get<T.RequestLedger>('/v1/requests/{request_id}/ledger'),
  listSlashes: get<T.Slash[], T.SlashFilter>('/v1/slashes'),
  reverseSlash: post<T.Slash, T.ReasonInput>('/v1/slashes/{slash_id}/reverse'),
  suspendProver: post<T.SuspensionView, T.ReasonInput>('/v1/provers/{prover_id}/suspend'),
  reinstateProver: post<T.SuspensionView, T.ReasonInput>('/v1/provers/{prover_id}/reinstate'),
  // submitters
  consentSubmitter: post<T.SubmitterView, T.ConsentInput>('/v1/submitters/consent'),
  authorizeSubmitter: post<T.SubmitterView, T.AuthorizeSubmitterInput>('/v1/provers/{prover_id}/submitters'),
  revokeSubmitter: del<T.SubmitterView>('/v1/provers/{prover_id}/submitters/{address}'),
  listSubmitters: get<T.SubmitterView[]>('/v1/provers/{prover_id}/submitters'),
  auditLog: get<T.AuditEntry[]>('/v1/audit'),
  ledgerAudit: get<T.LedgerAudit>('/v1/ledger/audit'),
  // analytics and system
  stats: get<T.MarketStats, T.StatsQuery>('/v1/stats'),
  statsSeries: get<T.MarketSeries, T.StatsQuery>('/v1/stats/series'),
  health: get<T.Health>('/healthz'),
  chain: get<T.ChainOverview, T.ChainQuery>('/v1/chain'),
  // container jobs (seed 004): its paths word for word; src/sdk/jobs.ts has the helpers around them
  createJob: post<T.CreatedJob, T.CreateJobRequest>('/jobs'),
  fundJob: post<T.JobOk, T.FundJobRequest>('/jobs/{jobId}/fund'),
  matchJob: post<T.JobOk, T.MatchJobRequest>('/match'),
  listJobs: get<T.JobList, T.QueryInput<T.JobListQuery>>('/jobs'),
  startJob: post<T.JobOk, T.StartJobRequest>('/jobs/{jobId}/start'),
  submitJobResults: post<T.JobOk, T.SubmitJobResultsRequest>('/results'),
  getJob: get<T.JobView>('/jobs/{jobId}'),
  acceptJob: post<T.AcceptedJob, T.AcceptJobRequest>('/jobs/{jobId}/accept'),
  cancelJob: post<T.CanceledJob>('/jobs/{jobId}/cancel'),
  advertiseProvider: post<T.ProviderAdvert, T.AdvertiseProviderRequest>('/v1/job-providers'),
  // the artifact store: raw bytes both ways (src/sdk/artifacts.ts sends and reads them)
  putArtifact: post<T.StoredArtifact>('/v1/artifacts'),
  getArtifact: get<Uint8Array>('/v1/artifacts/{cid}'),
  // zkML models (the registry): getModel takes `name:version` or a name (its newest); registerModel names uploaded artifacts (signed)
  listModels: get<T.Model[]>('/v1/models'),
  getModel: get<T.ModelDetail>('/v1/models/{model_id}'),
  registerModel: post<T.Model, T.RegisterModelRequest>('/v1/models'),
  // the event stream: Server-Sent Events (text/event-stream), read by src/sdk/events.ts
  events: get<string, T.EventsQuery>('/v1/events'),
} as const;

export type EndpointName = keyof typeof ENDPOINTS;

/** `/v1/requests/{request_id}` with `['r 1']` → `/v1/requests/r%201`: each `{name}` in turn, URI-encoded. */
export function fillPath(path: string, params: readonly string[]): string {
  let i = 0;
  const filled = path.replace(/\{[^}]+\}/g, (name) => {
    if (i >= params.length) throw new Error(`${path}: no value for ${name}`);
    return encodeURIComponent(params[i++]!);
  });
  if (i !== params.length) throw new Error(`${path}: ${params.length} values for ${i} parameters`);
  return filled;
}
