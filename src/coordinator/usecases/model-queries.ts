/** The model registry's reads: every version, one version with its history, prove time and price hint. */
import { notFound } from '../../domain/errors.ts';
import { modelPriceHint, modelProveTime, type ModelProveTime } from '../../domain/market/model-price.ts';
import { EZKL_BACKEND } from '../../proofs/ezkl/model-key.ts';
import { getModel, latestModel, listModels as storedModels, modelVersions, proveObservationsSince, type ModelRecord } from '../../store/models.ts';
import type { MarketDeps } from './deps.ts';

export type { ModelRecord };

export interface ModelDetailRecord extends ModelRecord {
  versions: ModelRecord[];
  prove_time: ModelProveTime | null;
  suggested_price: { p50: bigint; p90: bigint; count: number } | null;
}

/** Every version of every model, by name, newest version first. */
export async function listModels(deps: Pick<MarketDeps, 'db'>): Promise<ModelRecord[]> {
  return storedModels(deps.db);
}

/** A version by `name:version`, or a name's newest version; 404 model_not_found. */
export async function resolveModel(deps: Pick<MarketDeps, 'db'>, ref: string): Promise<ModelRecord> {
  const model = ref.includes(':') ? await getModel(deps.db, ref) : await latestModel(deps.db, ref);
  if (!model) throw notFound('model_not_found', `no model "${ref}" (GET /v1/models lists them; an id is name:version)`);
  return model;
}

/** How far back settled requests count for prove times and prices: the order book's day. */
const WINDOW_MS = 24 * 3_600_000;

/** One version, the versions of its name, and its prove time and price hint (domain/market/model-price.ts). */
export async function getModelDetail(deps: Pick<MarketDeps, 'db' | 'clock'>, ref: string): Promise<ModelDetailRecord> {
  const model = await resolveModel(deps, ref);
  const versions = await modelVersions(deps.db, model.name);
  const logrowsOf = new Map((await storedModels(deps.db)).map((m) => [m.program_id, m.logrows]));
  const observed = await proveObservationsSince(deps.db, EZKL_BACKEND, new Date(deps.clock.now().getTime() - WINDOW_MS));
  const backend = observed.map((o) => ({ price: o.price, ms: o.ms, logrows: logrowsOf.get(o.program_id) ?? null }));
  const prove_time = modelProveTime(observed.filter((o) => o.program_id === model.program_id).map((o) => o.ms), backend, model.logrows);
  return { ...model, versions, prove_time, suggested_price: modelPriceHint(backend, prove_time?.ms ?? null) };
}
