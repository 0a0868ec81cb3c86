import type { ProgramArtifacts, ProgramRecord } from '../domain/programs.ts';
import type { Queryable } from './db.ts';

// The program types are the domain's; re-exported for the store's importers.
export type { BackendName, ProgramArtifacts, ProgramRecord, ProofSystem } from '../domain/programs.ts';

const COLUMNS = `program_id, name, proof_system, input_encoding, description, max_input_bytes, builtin, vkey,
  wasm_sha256, zkey_sha256, vkey_sha256, created_at`;

/**
 * Inserts a program unless one with the same id (the same artifacts) exists. Returns true if inserted.
 * `artifacts: 'none'` stores only the metadata (built-ins, whose files ship with the package).
 * Bytes travel as base64 text: PGlite encodes large bytea parameters several times slower.
 */
export async function insertProgram(q: Queryable, p: ProgramRecord & ProgramArtifacts, artifacts: 'store' | 'none' = 'store'): Promise<boolean> {
  const b64 = (bytes: Uint8Array) => (artifacts === 'store' ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') : null);
  const rows = await q.query(
    `INSERT INTO programs (program_id, name, proof_system, input_encoding, description, max_input_bytes, builtin,
       wasm, zkey, vkey, wasm_sha256, zkey_sha256, vkey_sha256, created_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,decode($8, 'base64'),decode($9, 'base64'),$10,$11,$12,$13,$14)
     ON CONFLICT (program_id) DO NOTHING RETURNING program_id`,
    [p.program_id, p.name, p.proof_system, p.input_encoding, p.description, p.max_input_bytes, p.builtin,
      b64(p.wasm), b64(p.zkey), JSON.stringify(p.vkey), p.wasm_sha256, p.zkey_sha256, p.vkey_sha256, p.created_at],
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

/** An artifact kept in the database, or undefined (no such program, or a built-in whose files ship with the package). */
export async function getStoredArtifact(q: Queryable, programId: string, kind: ArtifactKind): Promise<Uint8Array | undefined> {
  // The column comes from a closed set, never from the caller's text.
  const column = { wasm: `encode(wasm, 'base64')`, zkey: `encode(zkey, 'base64')`, vkey: 'vkey::text' }[kind];
  const rows = await q.query<{ a: string | null }>(`SELECT ${column} AS a FROM programs WHERE program_id = $1`, [programId]);
  const a = rows[0]?.a;
  if (a === undefined || a === null) return undefined;
  return kind === 'vkey' ? new TextEncoder().encode(a) : Buffer.from(a, 'base64');
}

/** The newest built-in program of this name and proof system, if installed. */
export async function builtinProgramFor(q: Queryable, name: string, system: string): Promise<string | undefined> {
  const rows = await q.query<{ program_id: string }>(
    `SELECT program_id FROM programs WHERE builtin AND name = $1 AND proof_system = $2 ORDER BY created_at DESC LIMIT 1`,
    [name, system],
  );
  return rows[0]?.program_id;
}

/** The newest program of this name and proof system, built in or registered (a model name's latest version). */
export async function latestProgramNamed(q: Queryable, name: string, system: string): Promise<string | undefined> {
  const rows = await q.query<{ program_id: string }>(
    `SELECT program_id FROM programs WHERE name = $1 AND proof_system = $2 ORDER BY created_at DESC, builtin ASC LIMIT 1`,
    [name, system],
  );
  return rows[0]?.program_id;
}
