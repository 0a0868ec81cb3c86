import { readFile } from 'node:fs/promises';
import { MarketError, invalid, notFound } from '../domain/errors.ts';
import type { Clock } from '../domain/clock.ts';
import { builtinArtifactUrl, encodingOf, loadBuiltinPrograms, nPublicOf } from '../proofs/programs.ts';
import type { Db } from '../store/db.ts';
import { builtinProgramFor, getProgram, latestProgramNamed, getStoredArtifact, insertProgram, type ArtifactKind, type ProgramRecord } from '../store/programs.ts';
import type { CoordinatorConfig } from './config.ts';
import { EZKL_BACKEND } from '../proofs/ezkl/model-key.ts';
import type { ArtifactStore } from '../artifacts/store.ts';
import { canonicalJson } from '../proofs/canonical.ts';
import { getModel, latestModel } from '../store/models.ts';
import { getProgramCids, setProgramCids, type ProgramCids } from '../store/artifact-refs.ts';

/**
 * The programs the market proves: built-ins registered at start, uploads from the store, each cached once
 * read (a program is content-addressed, so it never changes), and the built-in program serving each privacy
 * level of the seed API.
 */
export class ProgramCatalog {
  readonly #programs = new Map<string, ProgramRecord>();
  /** Built-in program per privacy route ("name/system"); the routes are fixed for the process's life. */
  readonly #routes = new Map<string, ProgramRecord>();
  /** Programs whose artifacts this process has seen in the artifact store. */
  readonly #inStore = new Set<string>();

  constructor(
    readonly db: Db,
    readonly clock: Clock,
    readonly config: Pick<CoordinatorConfig, 'privacyRoutes'>,
  ) {}

  /** Registers the shipped programs (idempotent) and checks every privacy level has a program. */
  async init(): Promise<void> {
    for (const p of loadBuiltinPrograms(this.clock.now())) await insertProgram(this.db, p, 'none');
    for (const route of this.config.privacyRoutes) await this.forLevel(route.from);
  }

  async get(programId: string): Promise<ProgramRecord> {
    let p = this.#programs.get(programId);
    if (!p) {
      p = await getProgram(this.db, programId);
      if (!p) throw notFound('program_not_found', `no program with id "${programId}"`);
      this.#programs.set(programId, p);
    }
    return p;
  }

  /** A program's artifact: built-ins from the files shipped under circuits/, uploads from the database. */
  async artifact(programId: string, kind: ArtifactKind): Promise<Uint8Array> {
    const program = await this.get(programId);
    // Built-ins keep only their (canonical) vkey in the database; their wasm and zkey ship as files.
    if (program.builtin && kind !== 'vkey') return readFile(builtinArtifactUrl(program.name, program.proof_system, kind));
    const stored = await getStoredArtifact(this.db, programId, kind);
    if (!stored) throw notFound('artifact_not_found', `program "${programId}" has no ${kind} artifact`);
    return stored;
  }

  /** A model version's program: `name:version` from the registry, or a name's latest version (proved with ezkl). */
  async forModel(name: string): Promise<ProgramRecord> {
    const registered = name.includes(':') ? await getModel(this.db, name) : await latestModel(this.db, name);
    if (registered) return this.get(registered.program_id);
    // A model uploaded as a program (POST /programs, proof system ezkl) is found by its name too.
    const programId = name.includes(':') ? undefined : await latestProgramNamed(this.db, name, EZKL_BACKEND);
    if (!programId) throw notFound('model_not_found', `no model named "${name}" (GET /v1/programs lists the ezkl programs)`);
    return this.get(programId);
  }

  /**
   * The CIDs of a program's artifacts in the store (the vkey as canonical JSON, so that its sha256 is the one in
   * the program id), put there the first time; checked present once per process, so a new store is filled again.
   */
  async artifactCids(programId: string, store: ArtifactStore): Promise<ProgramCids> {
    const known = await getProgramCids(this.db, programId);
    if (known && (this.#inStore.has(programId) || (await Promise.all(Object.values(known).map((c) => store.has(c)))).every(Boolean))) {
      this.#inStore.add(programId);
      return known;
    }
    const program = await this.get(programId);
    const put = async (bytes: Uint8Array) => (await store.put(bytes)).cid;
    const cids: ProgramCids = {
      vkey: await put(new TextEncoder().encode(canonicalJson(program.vkey))),
      wasm: await put(await this.artifact(programId, 'wasm')),
      zkey: await put(await this.artifact(programId, 'zkey')),
    };
    await setProgramCids(this.db, programId, cids);
    this.#inStore.add(programId);
    return cids;
  }

  /** The built-in program that serves a seed task of this privacy level. */
  async forLevel(level: number): Promise<ProgramRecord> {
    const route = this.config.privacyRoutes.find((r) => level >= r.from && level <= r.to);
    if (!route) throw invalid('unsupported_privacy_level', `no program serves privacy level ${level}`);
    const key = `${route.program}/${route.system}`;
    const cached = this.#routes.get(key);
    if (cached) return cached;
    const programId = await builtinProgramFor(this.db, route.program, route.system);
    if (!programId) throw new MarketError('unavailable', 'program_missing', `the built-in program ${route.program}/${route.system} is not installed`);
    const program = await this.get(programId);
    this.#routes.set(key, program);
    return program;
  }

  /** The public signals a correct proof for this input must carry (the task's own; e.g. its commitment). */
  expectedSignals(program: ProgramRecord, data: Uint8Array): Promise<string[]> {
    return encodingOf(program.input_encoding).expectedPublicSignals(data, {
      wasm: () => this.artifact(program.program_id, 'wasm'),
      nPublic: nPublicOf(program.vkey),
      vkey: program.vkey,
    });
  }

  /** An input longer than its program's encoding takes is refused before any work is done on it. */
  checkInputSize(program: ProgramRecord, data: Uint8Array, what: string): void {
    const { maxBytes } = encodingOf(program.input_encoding);
    if (maxBytes !== null && data.length > maxBytes) {
      throw invalid('input_too_large', `${what} has ${data.length} bytes; program ${program.name} takes at most ${maxBytes}`);
    }
  }
}
