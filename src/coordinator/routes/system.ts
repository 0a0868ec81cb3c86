import type { FastifyInstance } from 'fastify';
import type { Market } from '../market.ts';
import { Health } from '../../api/index.ts';

export function systemRoutes(app: FastifyInstance, market: Market): void {
  app.get('/healthz', {
    schema: {
      summary: 'Liveness and readiness: the database answers',
      tags: ['system'],
      response: { 200: Health },
    },
  }, async (): Promise<Health> => {
    await market.db.query('SELECT 1');
    return { status: 'ok', store: market.db.kind, verifier_threads: market.verifier.pool.size };
  });

  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['system'] } }, async (_req, reply) => {
    reply.header('content-type', market.metrics.registry.contentType);
    return reply.send(await market.metrics.registry.metrics());
  });

  app.get('/openapi.json', { schema: { summary: 'This OpenAPI document', tags: ['system'] } }, async () => app.swagger());
}
