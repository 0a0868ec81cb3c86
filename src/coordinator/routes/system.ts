import type { FastifyInstance } from 'fastify';
import * as uc from '../usecases/index.ts';
import type { Market } from '../market.ts';
import { Health } from '../../api/index.ts';

export function systemRoutes(app: FastifyInstance, market: Market): void {
  app.get('/healthz', {
    schema: {
      summary: 'Liveness and readiness: the database answers',
      tags: ['system'],
      response: { 200: Health },
    },
  }, async (): Promise<Health> => uc.health(market));

  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['system'] } }, async (_req, reply) => {
    const { contentType, text } = await uc.metricsText(market);
    reply.header('content-type', contentType);
    return reply.send(text);
  });

  app.get('/openapi.json', { schema: { summary: 'This OpenAPI document', tags: ['system'] } }, async () => app.swagger());
}
