import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { dashboardAssets, type Asset } from '../dashboard-assets.ts';

/** Only the coordinator's own origin: scripts, styles, workers and calls (wasm for snarkjs in the verify worker). */
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The web dashboard (web/): `GET /` and its hashed assets under `/assets/`, compressed as the browser accepts. */
export function dashboardRoutes(app: FastifyInstance): void {
  const serve = async (req: FastifyRequest, reply: FastifyReply, path: string) => {
    const assets = await dashboardAssets();
    if (assets instanceof Error) return reply.code(503).type('text/plain; charset=utf-8').send(assets.message);
    const asset = assets.get(path);
    if (!asset) return reply.code(404).send({ error: { code: 'route_not_found', message: `no dashboard file ${path}` } });
    return send(req, reply, asset);
  };
  app.get('/', { schema: { hide: true } }, (req, reply) => serve(req, reply, '/'));
  app.get<{ Params: { file: string } }>('/assets/:file', { schema: { hide: true } }, (req, reply) => serve(req, reply, `/assets/${req.params.file}`));
}

function send(req: FastifyRequest, reply: FastifyReply, asset: Asset) {
  const accepts = String(req.headers['accept-encoding'] ?? '');
  const [encoding, body] = asset.br && /\bbr\b/.test(accepts) ? ['br', asset.br] : asset.gzip && /\bgzip\b/.test(accepts) ? ['gzip', asset.gzip] : [undefined, asset.body];
  reply.header('content-type', asset.type).header('vary', 'accept-encoding').header('x-content-type-options', 'nosniff');
  reply.header('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  if (!asset.immutable) reply.header('content-security-policy', CSP).header('referrer-policy', 'no-referrer');
  if (encoding) reply.header('content-encoding', encoding);
  return reply.send(body);
}
