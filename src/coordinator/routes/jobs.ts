import type { FastifyInstance } from 'fastify';
import * as uc from '../usecases/index.ts';
import { formatEther } from '../../domain/jobs/ether.ts';
import { escrowFor } from '../../domain/jobs/job.ts';
import type { Market } from '../market.ts';
import { jobList, jobView } from '../jobs/views.ts';
import {
  AcceptedJob,
  AcceptJobRequest,
  AdvertiseProviderRequest,
  CanceledJob,
  CreatedJob,
  CreateJobHeaders,
  CreateJobRequest,
  errorResponses as errors,
  FundJobRequest,
  JobIdParams,
  JobList,
  JobListQuery,
  JobOk,
  JobView,
  MatchJobRequest,
  ProviderAdvert,
  StartJobRequest,
  SubmitJobResultsRequest,
} from '../../api/index.ts';

const tags = ['jobs (seed 004)'];

/** Container jobs: seed 004's paths and bodies, word for word, plus start and the providers' advertisements. */
export function jobRoutes(app: FastifyInstance, market: Market): void {
  app.post<{ Body: CreateJobRequest; Headers: CreateJobHeaders }>(
    '/jobs',
    { schema: { summary: 'Create a container job (CREATED); fund it next', tags, body: CreateJobRequest, headers: CreateJobHeaders, response: { 200: CreatedJob, ...errors } } },
    async (req) => {
      const header = req.headers['x-requester-addr'];
      const job = await uc.createJob(market, { ...req.body, requester: typeof header === 'string' ? header : req.body.requester }, { signer: req.signer });
      return { jobId: job.job_id, expectedEscrowEth: formatEther(escrowFor(job)), status: job.status };
    },
  );

  app.post<{ Params: JobIdParams; Body: FundJobRequest | undefined }>(
    '/jobs/:jobId/fund',
    { schema: { summary: 'Fund a job: its price into escrow (FUNDED)', tags, params: JobIdParams, body: FundJobRequest, response: { 200: JobOk, ...errors } } },
    async (req) => ok(await uc.fundJob(market, req.params.jobId, req.body ?? {}, { signer: req.signer })),
  );

  app.post<{ Body: MatchJobRequest }>(
    '/match',
    { schema: { summary: 'Match a funded job to a provider by hand (MATCHED)', tags, body: MatchJobRequest, response: { 200: JobOk, ...errors } } },
    async (req) => ok(await uc.matchJob(market, req.body, { signer: req.signer })),
  );

  app.get<{ Querystring: JobListQuery }>(
    '/jobs',
    { schema: { summary: 'Jobs by status, provider and requester (the provider\'s poll: ?status=MATCHED&provider=0x…)', tags, querystring: JobListQuery, response: { 200: JobList, ...errors } } },
    async (req) => {
      const { limit, ...filter } = req.query;
      return jobList(await uc.listJobs(market, { ...filter, limit: limit === undefined ? undefined : Number(limit) }));
    },
  );

  app.post<{ Params: JobIdParams; Body: StartJobRequest | undefined }>(
    '/jobs/:jobId/start',
    { schema: { summary: 'The matched provider started the container (RUNNING)', tags, params: JobIdParams, body: StartJobRequest, response: { 200: JobOk, ...errors } } },
    async (req) => ok(await uc.startJob(market, req.params.jobId, req.body ?? {}, { signer: req.signer })),
  );

  app.post<{ Body: SubmitJobResultsRequest }>(
    '/results',
    { schema: { summary: 'The matched provider\'s results (RESULT_SUBMITTED, or FAILED with a refund)', tags, body: SubmitJobResultsRequest, response: { 200: JobOk, ...errors } } },
    async (req) => ok(await uc.submitJobResults(market, req.body, { signer: req.signer })),
  );

  app.get<{ Params: JobIdParams }>(
    '/jobs/:jobId',
    { schema: { summary: 'A job: status, provider, result, spec and history', tags, params: JobIdParams, response: { 200: JobView, ...errors } } },
    async (req) => {
      const { job, history } = await uc.getJob(market, req.params.jobId);
      return jobView(job, history);
    },
  );

  app.post<{ Params: JobIdParams; Body: AcceptJobRequest | undefined }>(
    '/jobs/:jobId/accept',
    { schema: { summary: 'Accept a job\'s results: the escrow pays the provider (ACCEPTED)', tags, params: JobIdParams, body: AcceptJobRequest, response: { 200: AcceptedJob, ...errors } } },
    async (req) => {
      const job = await uc.acceptJob(market, req.params.jobId, req.body ?? {}, { signer: req.signer });
      return { ok: true, status: job.status, providerAddr: job.provider ?? '', paidEth: formatEther(job.price) };
    },
  );

  app.post<{ Params: JobIdParams }>(
    '/jobs/:jobId/cancel',
    { schema: { summary: 'Cancel a job and refund its escrow (CANCELED)', tags, params: JobIdParams, response: { 200: CanceledJob, ...errors } } },
    async (req) => {
      const { job, refunded } = await uc.cancelJob(market, req.params.jobId, { signer: req.signer });
      return { ok: true, status: job.status, refundedEth: formatEther(refunded) };
    },
  );

  app.post<{ Body: AdvertiseProviderRequest }>(
    '/v1/job-providers',
    { schema: { summary: 'A provider advertises the images it holds and its capacity', tags, body: AdvertiseProviderRequest, response: { 200: ProviderAdvert, ...errors } } },
    async (req) => {
      const a = await uc.advertiseProvider(market, req.body, { signer: req.signer });
      return { providerAddr: a.provider, images: a.images, capacity: a.capacity };
    },
  );
}

const ok = (job: { status: JobOk['status'] }): JobOk => ({ ok: true, status: job.status });
