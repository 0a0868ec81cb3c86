import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifactHashes, systemOfVkey } from '../proofs/programs.ts';
import { BACKEND_NAME_RE } from '../proofs/backends/registry.ts';
import type { ProofMarketClient } from '../sdk/client.ts';
import { ArtifactError } from './errors.ts';

export interface CachedProgram {
  programId: string;
  /** groth16, plonk, fflonk, or the external backend the program's vkey names. */
  system: string;
  wasmPath: string;
  zkeyPath: string;
  vkeyPath: string;
}

const PROGRAM_ID_RE = /^[0-9a-f]{64}$/;

export type ArtifactCheck = { ok: true; system: string } | { ok: false; reason: string };

/**
 * Do these artifacts belong to `programId`? The id is the hash of the artifacts
 * (sha256(sha256(wasm) ‖ sha256(zkey) ‖ sha256(canonical vkey)), see artifactHashes), so whatever the
 * coordinator or the disk handed over, a match proves they are the program's own.
 */
export function checkArtifacts(programId: string, wasm: Uint8Array, zkey: Uint8Array, vkeyText: string): ArtifactCheck {
  let vkey: unknown;
  try {
    vkey = JSON.parse(vkeyText);
  } catch {
    return { ok: false, reason: 'the verification key is not JSON' };
  }
  const h = artifactHashes({ wasm, zkey, vkey });
  if (h.program_id !== programId) {
    return {
      ok: false,
      reason: `the artifacts hash to program ${h.program_id.slice(0, 12)}…, not ${programId.slice(0, 12)}… (wasm ${h.wasm_sha256.slice(0, 12)}…, zkey ${h.zkey_sha256.slice(0, 12)}…, vkey ${h.vkey_sha256.slice(0, 12)}…)`,
    };
  }
  // snarkjs programs: the vkey's protocol; external ones: the backend their vkey names (bound by the id).
  const system = systemOfVkey(vkey);
  if (system === undefined || !BACKEND_NAME_RE.test(system)) {
    return { ok: false, reason: `the verification key names no known proof system (protocol ${JSON.stringify((vkey as { protocol?: unknown })?.protocol)})` };
  }
  return { ok: true, system };
}

/**
 * Program artifacts on disk under `<dir>/<program_id>/`, downloaded once from the coordinator and checked
 * against the program id before first use in each process. A mismatch throws an ArtifactError: the bytes
 * are deleted and never used (the task that needed them fails; a later task downloads again).
 */
export class ArtifactCache {
  readonly #loading = new Map<string, Promise<CachedProgram>>();

  constructor(
    readonly dir: string,
    private readonly client: Pick<ProofMarketClient, 'downloadArtifact'>,
  ) {}

  get(programId: string): Promise<CachedProgram> {
    // The id becomes a directory name: only a hex digest may.
    if (!PROGRAM_ID_RE.test(programId)) return Promise.reject(new ArtifactError(`invalid program id ${JSON.stringify(programId)}`));
    let p = this.#loading.get(programId);
    if (!p) {
      p = this.#load(programId);
      this.#loading.set(programId, p);
      p.catch(() => this.#loading.delete(programId));
    }
    return p;
  }

  async #load(programId: string): Promise<CachedProgram> {
    const dir = join(this.dir, programId);
    const paths = { wasm: join(dir, 'circuit.wasm'), zkey: join(dir, 'circuit.zkey'), vkey: join(dir, 'vkey.json') };
    if (existsSync(paths.wasm) && existsSync(paths.zkey) && existsSync(paths.vkey)) {
      const check = checkArtifacts(programId, readFileSync(paths.wasm), readFileSync(paths.zkey), readFileSync(paths.vkey, 'utf8'));
      if (check.ok) return { programId, system: check.system, wasmPath: paths.wasm, zkeyPath: paths.zkey, vkeyPath: paths.vkey };
      // A damaged cache is not an error of the program: drop it and download again.
      rmSync(dir, { recursive: true, force: true });
    }
    const [wasm, zkey, vkey] = await Promise.all([
      this.client.downloadArtifact(programId, 'wasm'),
      this.client.downloadArtifact(programId, 'zkey'),
      this.client.downloadArtifact(programId, 'vkey'),
    ]);
    const vkeyText = new TextDecoder().decode(vkey);
    const check = checkArtifacts(programId, wasm, zkey, vkeyText);
    if (!check.ok) throw new ArtifactError(`artifacts of program ${programId.slice(0, 12)}… rejected: ${check.reason}`);
    mkdirSync(dir, { recursive: true });
    for (const [path, bytes] of [[paths.wasm, wasm], [paths.zkey, zkey], [paths.vkey, vkey]] as const) {
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, bytes);
      renameSync(tmp, path);
    }
    return { programId, system: check.system, wasmPath: paths.wasm, zkeyPath: paths.zkey, vkeyPath: paths.vkey };
  }
}
