import type { Queryable } from './db.ts';

export type ProofSystem = 'groth16' | 'plonk' | 'fflonk';

export interface ProgramRecord {
  program_id: string;
  name: string;
  proof_system: ProofSystem;
  /** How a task's `circuit_data` bytes become circuit inputs: a built-in encoder's name, or `json`. */
  input_encoding: string;
  description: string;
  max_input_bytes: number | null;
  builtin: boolean;
  vkey: unknown;
  wasm_sha256: string;
  zkey_sha256: string;
  vkey_sha256: string;
  created_at: Date;
}

export interface ProgramArtifacts {
  wasm: Uint8Array;
  zkey: Uint8Array;
  vkey: unknown;
}

const COLUMNS = `program_id, name, proof_system, input_encoding, description, max_input_bytes, builtin, vkey,
  wasm_sha256, zkey_sha256, vkey_sha256, created_at`;

/** Inserts a program unless one with the same id (the same artifacts) exists. Returns true if inserted. */
export async function insertProgram(q: Queryable, p: ProgramRecord & ProgramArtifacts): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO programs (program_id, name, proof_system, input_encoding, description, max_input_bytes, builtin,
       wasm, zkey, vkey, wasm_sha256, zkey_sha256, vkey_sha256, created_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)
     ON CONFLICT (program_id) DO NOTHING RETURNING program_id`,
    [p.program_id, p.name, p.proof_system, p.input_encoding, p.description, p.max_input_bytes, p.builtin,
      p.wasm, p.zkey, JSON.stringify(p.vkey), p.wasm_sha256, p.zkey_sha256, p.vkey_sha256, p.created_at],
  );
  return rows.length === 1;
}

export async function getProgram(q: Queryable, programId: string): Promise<ProgramRecord | undefined> {
  const rows = await q.query<ProgramRecord>(`SELECT ${COLUMNS} FROM programs WHERE program_id = $1`, [programId]);
  return rows[0];
}

export async function listPrograms(q: Queryable): Promise<ProgramRecord[]> {
  return q.query<ProgramRecord>(`SELECT ${COLUMNS} FROM programs ORDER BY builtin DESC, name, proof_system, program_id`);
}

export type ArtifactKind = 'wasm' | 'zkey' | 'vkey';

export async function getArtifact(q: Queryable, programId: string, kind: ArtifactKind): Promise<Uint8Array | undefined> {
  // The column name comes from a closed set, never from the caller's text.
  const column = { wasm: 'wasm', zkey: 'zkey', vkey: 'vkey::text' }[kind];
  const rows = await q.query<{ a: Uint8Array | string }>(`SELECT ${column} AS a FROM programs WHERE program_id = $1`, [programId]);
  const a = rows[0]?.a;
  if (a === undefined) return undefined;
  return typeof a === 'string' ? new TextEncoder().encode(a) : a;
}
