import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import * as uc from '../usecases/index.ts';
import type { Market } from '../market.ts';
import { errorResponses as errors, Model, ModelDetail, ModelIdParams, RegisterModelRequest } from '../../api/index.ts';

type ModelRecord = Awaited<ReturnType<typeof uc.listModels>>[number];
type ModelDetailRecord = Awaited<ReturnType<typeof uc.getModelDetail>>;

/** A model version on the wire (dates as RFC 3339). */
export function modelView(m: ModelRecord): Model {
  return {
    model_id: m.model_id, name: m.name, version: m.version, owner: m.owner, builtin: m.owner === null, program_id: m.program_id,
    commitment: m.commitment, visibility: m.visibility as Model['visibility'], description: m.description, logrows: m.logrows,
    srs_unsafe: m.srs_unsafe, artifacts: m.cids, created_at: m.created_at.toISOString(),
  };
}

function modelDetailView(m: ModelDetailRecord): ModelDetail {
  const price = m.suggested_price;
  return {
    ...modelView(m),
    versions: m.versions.map((v) => ({ model_id: v.model_id, version: v.version, program_id: v.program_id, commitment: v.commitment, created_at: v.created_at.toISOString() })),
    prove_time: m.prove_time,
    suggested_price: price && { p50: price.p50.toString(), p90: price.p90.toString(), count: price.count },
  };
}

export function modelRoutes(app: FastifyInstance, market: Market): void {
  app.get('/v1/models', {
    schema: { summary: 'List zkML models: every version, by name, newest first', tags: ['models'], response: { 200: Type.Array(Model), ...errors } },
  }, async () => (await uc.listModels(market)).map(modelView));

  app.get<{ Params: ModelIdParams }>('/v1/models/:model_id', {
    schema: {
      summary: 'Describe a model version (name:version, or a name for its newest): its commitment, artifacts, versions, prove time and price hint',
      tags: ['models'],
      params: ModelIdParams,
      response: { 200: ModelDetail, ...errors },
    },
  }, async (req) => modelDetailView(await uc.getModelDetail(market, req.params.model_id)));

  app.post<{ Body: RegisterModelRequest }>('/v1/models', {
    schema: {
      summary: 'Register a new version of a model (signed: the signer owns the name) from artifacts uploaded by CID',
      description: 'Upload the ONNX file, model.compiled, settings.json, vk.key and the SRS first (POST /v1/artifacts), then name them here. ' +
        'The coordinator reads them from its artifact store, takes visibility and logrows from settings.json and computes the weights commitment with ezkl\'s own witness. ' +
        'The first version of a name is 1; a later one is the next number, registered only by the same key (403 not_model_owner).',
      tags: ['models'],
      body: RegisterModelRequest,
      response: { 201: Model, ...errors },
    },
  }, async (req, reply) => {
    const b = req.body;
    const model = await uc.registerModel(market, { name: b.name, description: b.description, labels: b.labels, artifacts: b.artifacts, srs_unsafe: b.srs_unsafe, owner: b.owner }, { signer: req.signer });
    return reply.code(201).header('location', `/v1/models/${model.model_id}`).send(modelView(model));
  });
}
