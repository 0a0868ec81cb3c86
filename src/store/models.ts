// The model registry's SQL (migration 011): model versions, and the measured prove times behind the price hints.
import type { Queryable } from './db.ts';

export interface ModelCids {
  onnx: string;
  compiled: string;
  settings: string;
  vk: string;
  srs: string;
}

export interface ModelRecord {
  model_id: string;
  name: string;
  version: number;
  owner: string | null;
  program_id: string;
  commitment: string | null;
  visibility: { input: string; output: string; params: string };
  description: string;
  logrows: number;
  srs_unsafe: boolean;
  cids: ModelCids;
  created_at: Date;
}

const COLUMNS = 'model_id, name, version, owner, program_id, commitment, visibility, description, logrows, srs_unsafe, cids, created_at';

/** Inserts a model version unless its id or its program is already registered; true if inserted. */
export async function insertModel(q: Queryable, m: ModelRecord): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO models (${COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT DO NOTHING RETURNING model_id`,
    [m.model_id, m.name, m.version, m.owner, m.program_id, m.commitment, JSON.stringify(m.visibility), m.description, m.logrows, m.srs_unsafe, JSON.stringify(m.cids), m.created_at],
  );
  return rows.length === 1;
}

export async function getModel(q: Queryable, modelId: string): Promise<ModelRecord | undefined> {
  return (await q.query<ModelRecord>(`SELECT ${COLUMNS} FROM models WHERE model_id = $1`, [modelId]))[0];
}

export async function modelOfProgram(q: Queryable, programId: string): Promise<ModelRecord | undefined> {
  return (await q.query<ModelRecord>(`SELECT ${COLUMNS} FROM models WHERE program_id = $1`, [programId]))[0];
}

/** Every version of every model: by name, newest version first. */
export async function listModels(q: Queryable): Promise<ModelRecord[]> {
  return q.query<ModelRecord>(`SELECT ${COLUMNS} FROM models ORDER BY name, version DESC`);
}

/** The versions of one name, newest first. */
export async function modelVersions(q: Queryable, name: string): Promise<ModelRecord[]> {
  return q.query<ModelRecord>(`SELECT ${COLUMNS} FROM models WHERE name = $1 ORDER BY version DESC`, [name]);
}

/** The newest version of a name. */
export async function latestModel(q: Queryable, name: string): Promise<ModelRecord | undefined> {
  return (await q.query<ModelRecord>(`SELECT ${COLUMNS} FROM models WHERE name = $1 ORDER BY version DESC LIMIT 1`, [name]))[0];
}

/** One settled zkML request: its program, price and how long it was held (assignment to verified proof). */
export interface ProveObservation {
  program_id: string;
  price: bigint;
  ms: number;
}

/** The completed requests of a backend since `since` (newest 1,000), with their measured prove times. */
export async function proveObservationsSince(q: Queryable, backend: string, since: Date): Promise<ProveObservation[]> {
  const rows = await q.query<{ program_id: string; price: string; ms: number }>(
    `SELECT program_id, price::text AS price, (EXTRACT(EPOCH FROM (updated_at - assigned_at)) * 1000)::float8 AS ms
       FROM tasks WHERE backend = $1 AND status = 'completed' AND price IS NOT NULL AND assigned_at IS NOT NULL
        AND mechanism <> 'subscription' AND updated_at >= $2 ORDER BY updated_at DESC LIMIT 1000`,
    [backend, since],
  );
  return rows.map((r) => ({ program_id: r.program_id, price: BigInt(r.price), ms: Math.max(1, Number(r.ms)) }));
}
