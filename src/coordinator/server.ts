import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { MarketError } from '../domain/errors.ts';
import { ERRORS, type ErrorCode } from '../api/errors.ts';
import type { Market } from './market.ts';
import { taskRoutes } from './routes/tasks.ts';
import { proverRoutes } from './routes/provers.ts';
import { programRoutes } from './routes/programs.ts';
import { systemRoutes } from './routes/system.ts';
import { requestRoutes } from './routes/requests.ts';
import { auctionRoutes } from './routes/auctions.ts';
import { marketRoutes } from './routes/market.ts';
import { economyRoutes } from './routes/economy.ts';
import { installAuth } from './auth.ts';
import { isDatabaseUnavailable } from '../store/db.ts';
import { submitterRoutes } from './routes/submitters.ts';
import { statsRoutes } from './routes/stats.ts';
import { eventRoutes } from './routes/events.ts';
import { jobRoutes } from './routes/jobs.ts';
import { artifactRoutes } from './routes/artifacts.ts';
import { modelRoutes } from './routes/models.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { chainRoutes } from './routes/chain.ts';
import type { EventStream } from './events/stream.ts';
import type { CoordinatorConfig } from './config.ts';

/** Fastify's own client errors, by code, as our stable codes. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_RATE_LIMITED: 'rate_limited',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
};

export interface AppOptions {
  bodyLimit: number;
  logLevel: string;
  /** Serves GET /v1/events from it. */
  events?: EventStream;
}

/**
 * The coordinator's HTTP API. Every route has a JSON schema (which also builds /openapi.json); every
 * client error is a 4xx `{"error": {"code", "message"}}`, and a 5xx only ever means a bug here.
 */
export async function buildApp(market: Market, opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: opts.bodyLimit,
    // A client gets 30 s to send its whole request (slow senders cannot hold sockets open forever).
    requestTimeout: 30_000,
    logger: opts.logLevel === 'silent' ? false : { level: opts.logLevel },
    // Types are checked as sent: "10" is not an integer, and unknown fields are not silently dropped.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false, allowUnionTypes: true } },
    // A URL the router cannot decode ("/v1/requests/%") is refused in our error shape too, not fastify's.
    frameworkErrors: (err, _req, reply) => {
      const bad = err.code === 'FST_ERR_BAD_URL' || err.code === 'FST_ERR_ASYNC_CONSTRAINT';
      (reply as FastifyReply).status(400).send({ error: { code: bad ? 'bad_url' : 'bad_request', message: err.message } });
    },
  });

  // The API speaks JSON only: any other body is 415, not a string that fails validation later.
  app.removeContentTypeParser('text/plain');
  await installRateLimit(app, market.config.rateLimit);
  // Signed requests (x-pm-* headers) → req.signer; before every route. Also keeps JSON bodies' raw bytes.
  installAuth(app, { open: market.config.open, windowMs: market.config.authWindowMs, clock: market.clock, db: market.db });

  // Every error answer is `{"error": {"code", "message"}}` with the catalogue's status for the code (src/api/errors.ts).
  const answer = (reply: FastifyReply, code: ErrorCode, message: string, status: number = ERRORS[code].status) =>
    reply.status(status).send({ error: { code, message } });
  app.setErrorHandler((err: FastifyError | MarketError, req, reply) => {
    if (err instanceof MarketError) return answer(reply, err.code, err.message);
    if (err.validation) {
      const where = err.validationContext ?? 'body';
      const first = err.validation[0];
      const path = first?.instancePath ? `${where}${first.instancePath.replaceAll('/', '.')}` : where;
      const detail = first?.keyword === 'additionalProperties'
        ? `has an unknown field "${(first.params as { additionalProperty?: string }).additionalProperty}"`
        : first?.keyword === 'required'
          ? `is missing the field "${(first.params as { missingProperty?: string }).missingProperty}"`
          : (first?.message ?? 'is invalid');
      return answer(reply, 'invalid_request', `${path} ${detail}`);
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = FASTIFY_CODES[err.code];
      // A client error fastify raises that has no code of ours keeps fastify's status (bad_request's 400 is typical).
      return code ? answer(reply, code, err.message) : answer(reply, 'bad_request', err.message, status);
    }
    if (isDatabaseUnavailable(err)) {
      req.log.warn({ err }, 'database unavailable');
      return answer(reply, 'database_unavailable', 'the database is unreachable or restarting; retry shortly (nothing was acknowledged)');
    }
    req.log.error({ err }, 'unhandled error');
    return answer(reply, 'internal', 'internal error; this is a bug, please report it');
  });

  app.setNotFoundHandler((req, reply) => {
    answer(reply, 'route_not_found', `no route ${req.method} ${req.url.split('?')[0]}`);
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'proofmarket coordinator',
        version: '0.1.0',
        description: 'A marketplace for zero-knowledge proof generation. Money is in integer base units, as decimal strings.',
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  allRoutes(app, market, opts);
  return app;
}

/** Every resource's routes, one file each under routes/. */
function allRoutes(app: FastifyInstance, market: Market, opts: AppOptions): void {
  taskRoutes(app, market);
  proverRoutes(app, market);
  programRoutes(app, market);
  systemRoutes(app, market);
  requestRoutes(app, market);
  auctionRoutes(app, market);
  marketRoutes(app, market);
  economyRoutes(app, market);
  submitterRoutes(app, market);
  statsRoutes(app, market);
  jobRoutes(app, market);
  artifactRoutes(app, market);
  modelRoutes(app, market);
  chainRoutes(app, market);
  if (opts.events) eventRoutes(app, opts.events);
  dashboardRoutes(app);
}

/** Per client address, before anything else runs; loopback is exempt unless asked (see CoordinatorConfig). */
async function installRateLimit(app: FastifyInstance, limit: CoordinatorConfig['rateLimit']): Promise<void> {
  if (limit.max <= 0) return;
  await app.register(rateLimit, {
    max: limit.max,
    timeWindow: limit.windowMs,
    allowList: (req) => !limit.limitLoopback && isLoopbackAddress(req.ip),
    errorResponseBuilder: (_req, ctx) =>
      Object.assign(new Error(`more than ${ctx.max} calls in ${limit.windowMs / 1000} s from this address; retry in ${ctx.after}`), {
        statusCode: 429,
        code: 'FST_RATE_LIMITED',
      }),
  });
}

const isLoopbackAddress = (ip: string) => ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
