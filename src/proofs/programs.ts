import { readFileSync } from 'node:fs';
import * as snarkjs from 'snarkjs';
import { canonicalJson, sha256Hex } from './canonical.ts';
import { DATA_COMMITMENT_MAX_BYTES, dataCommitment, dataCommitmentInput } from './builtin/data-commitment.ts';
import { rangeProofInput, rangeProofPublicSignals } from './builtin/range-proof.ts';
import { invalid } from '../domain/errors.ts';
import { isSnarkjsSystem, type BackendRegistry } from './backends/registry.ts';
import type { BackendName, ProgramArtifacts, ProgramRecord, ProofSystem } from '../domain/programs.ts';
import { ezklEncoding } from './ezkl/backend.ts';
import { sharedEngine } from './ezkl/engine.ts';
import { EZKL_BACKEND, isModelKey } from './ezkl/model-key.ts';
import { loadBuiltinModels, modelFileUrl } from './ezkl/models.ts';

/**
 * A program's id is the hash of its artifacts, so a prover can check what it downloaded:
 *
 *   program_id = sha256( sha256(wasm) ‖ sha256(zkey) ‖ sha256(canonical JSON of vkey) )   (hex digests, concatenated as text)
 */
export function artifactHashes(a: ProgramArtifacts) {
  const wasm_sha256 = sha256Hex(a.wasm);
  const zkey_sha256 = sha256Hex(a.zkey);
  const vkey_sha256 = sha256Hex(canonicalJson(a.vkey));
  return { wasm_sha256, zkey_sha256, vkey_sha256, program_id: sha256Hex(wasm_sha256 + zkey_sha256 + vkey_sha256) };
}

/**
 * How the bytes of a task (`circuit_data`) become the circuit's input signals, and which public signals a
 * correct proof of them must carry. Computing the expected signals when the task is created is what makes
 * a valid proof for other data Fail.
 */
export interface InputEncoding {
  maxBytes: number | null;
  circuitInput(data: Uint8Array): Record<string, unknown>;
  /** May be async: the generic `json` encoding runs the circuit's witness generator. */
  expectedPublicSignals(data: Uint8Array, program: { wasm: () => Promise<Uint8Array>; nPublic: number; vkey?: unknown }): Promise<string[]>;
}

function parseJsonInput(data: Uint8Array): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    throw invalid('invalid_input', 'this program takes circuit_data as the UTF-8 bytes of a JSON object of input signals');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('invalid_input', 'this program takes circuit_data as the UTF-8 bytes of a JSON object of input signals');
  }
  return value as Record<string, unknown>;
}

/** Encoder errors (RangeError from the built-in helpers) become 400s with their own message. */
function asInvalid<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RangeError || err instanceof TypeError) throw invalid('invalid_input', err.message);
    throw err;
  }
}

export const INPUT_ENCODINGS: Record<string, InputEncoding> = {
  'data-commitment': {
    maxBytes: DATA_COMMITMENT_MAX_BYTES,
    circuitInput: (data) => asInvalid(() => dataCommitmentInput(data)),
    async expectedPublicSignals(data) {
      try {
        return [dataCommitment(data).toString()];
      } catch (err) {
        if (err instanceof RangeError) throw invalid('invalid_input', err.message);
        throw err;
      }
    },
  },
  'range-proof': {
    maxBytes: 4096,
    circuitInput: (data) => asInvalid(() => rangeProofInput(parseJsonInput(data))),
    expectedPublicSignals: async (data) => asInvalid(() => rangeProofPublicSignals(rangeProofInput(parseJsonInput(data)))),
  },
  json: {
    maxBytes: 1 << 20,
    circuitInput: (data) => parseJsonInput(data),
    async expectedPublicSignals(data, program) {
      // The public signals are the witness entries 1..nPublic (outputs, then public inputs).
      const input = parseJsonInput(data);
      const wtns = { type: 'mem' as const };
      try {
        await snarkjs.wtns.calculate(input, await program.wasm(), wtns);
        const witness = await snarkjs.wtns.exportJson(wtns);
        return witness.slice(1, 1 + program.nPublic).map((x) => x.toString());
      } catch (err) {
        throw invalid('invalid_input', `the program's circuit rejects this input: ${(err as Error).message}`.slice(0, 300));
      }
    },
  },
  // zkML: a model's input; the instances (weights hash, input, output) come from ezkl's witness, in an engine thread.
  ezkl: ezklEncoding(sharedEngine),
};

export function encodingOf(name: string): InputEncoding {
  const e = INPUT_ENCODINGS[name];
  if (!e) throw invalid('unknown_encoding', `unknown input encoding "${name}"; expected one of ${Object.keys(INPUT_ENCODINGS).join(', ')}`);
  return e;
}

export const CIRCUITS_DIR = new URL('../../circuits/', import.meta.url);

interface ManifestEntry {
  name: string;
  description: string;
  systems: ProofSystem[];
  input: 'bytes' | 'json';
  max_input_bytes: number | null;
}

/** Where a built-in program's artifact file ships: circuits/<name>/<name>.wasm, <system>.zkey, <system>.vkey.json. */
export function builtinArtifactUrl(name: string, system: BackendName, kind: 'wasm' | 'zkey' | 'vkey'): URL {
  // Models ship under models/<name>/: the compiled circuit is the program, the SRS its key material.
  if (system === EZKL_BACKEND) return modelFileUrl(name, kind === 'wasm' ? 'model.compiled' : kind === 'zkey' ? 'kzg.srs' : 'manifest.json');
  const file = kind === 'wasm' ? `${name}.wasm` : kind === 'zkey' ? `${system}.zkey` : `${system}.vkey.json`;
  return new URL(`${name}/${file}`, CIRCUITS_DIR);
}

/** The built-in programs shipped under circuits/, one per (circuit, proof system). */
export function loadBuiltinPrograms(now: Date): Array<ProgramRecord & ProgramArtifacts> {
  const manifest = JSON.parse(readFileSync(new URL('manifest.json', CIRCUITS_DIR), 'utf8')) as ManifestEntry[];
  const programs: Array<ProgramRecord & ProgramArtifacts> = [];
  for (const entry of manifest) {
    const wasm = readFileSync(builtinArtifactUrl(entry.name, 'groth16', 'wasm'));
    for (const system of entry.systems) {
      const zkey = readFileSync(builtinArtifactUrl(entry.name, system, 'zkey'));
      const vkey = JSON.parse(readFileSync(builtinArtifactUrl(entry.name, system, 'vkey'), 'utf8')) as unknown;
      const artifacts = { wasm, zkey, vkey };
      programs.push({
        ...artifacts,
        ...artifactHashes(artifacts),
        name: entry.name,
        proof_system: system,
        input_encoding: entry.name,
        description: entry.description,
        max_input_bytes: INPUT_ENCODINGS[entry.name]?.maxBytes ?? entry.max_input_bytes,
        builtin: true,
        created_at: now,
      });
    }
  }
  return [...programs, ...loadBuiltinModels(now, artifactHashes)];
}

/** The number of public signals a verification key expects. */
export function nPublicOf(vkey: unknown): number {
  const n = (vkey as { nPublic?: unknown })?.nPublic;
  return typeof n === 'number' ? n : 0;
}

/**
 * Checks a program before registration. snarkjs systems (and external backends whose definition says
 * `"artifacts": "snarkjs"`): real wasm, and a verification key that is the zkey's own, for the system the
 * vkey names. Other external backends' artifacts are their own files, opaque to us: only the wasm field (the
 * program: a circuit, an ELF, …) must be non-empty; the backend's own verifier is the judge of the rest.
 */
export async function validateArtifacts(system: BackendName, a: ProgramArtifacts, backends?: BackendRegistry): Promise<void> {
  let snarkjsSystem: string = system;
  if (system === EZKL_BACKEND) {
    // A model: wasm = ezkl's compiled circuit, zkey = the SRS, vkey = the model key (scripts/compile-models' manifest,
    // settings and vk). A vk that is not the circuit's only makes every proof Fail; the commitment is checked per request.
    if (a.wasm.length === 0 || a.zkey.length === 0) throw invalid('invalid_artifact', 'an ezkl model needs its compiled circuit (wasm) and SRS (zkey)');
    if (!isModelKey(a.vkey)) throw invalid('invalid_artifact', 'an ezkl model\'s vkey is its model key (format proofmarket-ezkl/1: settings, vk, visibility, commitment)');
    return;
  }
  if (!isSnarkjsSystem(system)) {
    if (backends?.definition(system)?.artifacts !== 'snarkjs') {
      if (a.wasm.length === 0) throw invalid('invalid_artifact', 'the program file (wasm field) must not be empty');
      return;
    }
    snarkjsSystem = String((a.vkey as { protocol?: unknown })?.protocol);
    if (!isSnarkjsSystem(snarkjsSystem)) throw invalid('invalid_artifact', `backend ${system} takes a snarkjs verification key (protocol groth16, plonk or fflonk), not ${snarkjsSystem}`);
  }
  if (!WebAssembly.validate(new Uint8Array(a.wasm))) throw invalid('invalid_artifact', 'wasm is not a valid WebAssembly module');
  const protocol = (a.vkey as { protocol?: unknown })?.protocol;
  if (protocol !== snarkjsSystem) throw invalid('invalid_artifact', `the verification key is for ${String(protocol)}, not ${system}`);
  let fromZkey: unknown;
  try {
    fromZkey = await snarkjs.zKey.exportVerificationKey(a.zkey);
  } catch (err) {
    throw invalid('invalid_artifact', `zkey is not a snarkjs proving key: ${(err as Error).message}`.slice(0, 300));
  }
  // An external program's vkey carries its `backend` (see withBackend); the zkey's own key does not.
  const { backend: _backend, ...own } = a.vkey as Record<string, unknown>;
  if (canonicalJson(fromZkey) !== canonicalJson(isSnarkjsSystem(system) ? a.vkey : own)) {
    throw invalid('invalid_artifact', 'the verification key does not belong to the proving key (zkey)');
  }
}

/**
 * An external program's vkey names its backend (`"backend": "<name>"`), so the program id (which hashes the
 * vkey) binds the backend, and a prover learns it from the artifacts alone. snarkjs programs' vkeys stay as
 * snarkjs writes them. Throws if the vkey already names another backend.
 */
export function withBackend(system: BackendName, vkey: unknown): unknown {
  if (isSnarkjsSystem(system)) return vkey;
  if (typeof vkey !== 'object' || vkey === null || Array.isArray(vkey)) throw invalid('invalid_artifact', 'vkey must be a JSON object');
  const named = (vkey as { backend?: unknown }).backend;
  if (named !== undefined && named !== system) throw invalid('invalid_artifact', `the vkey names backend ${JSON.stringify(named)}, not ${system}`);
  return { ...vkey, backend: system };
}

/** The system a program's vkey declares: its `backend` (external), else its snarkjs `protocol`. */
export function systemOfVkey(vkey: unknown): string | undefined {
  if (typeof vkey !== 'object' || vkey === null) return undefined;
  const { backend, protocol } = vkey as { backend?: unknown; protocol?: unknown };
  if (typeof backend === 'string') return backend;
  return typeof protocol === 'string' && isSnarkjsSystem(protocol) ? protocol : undefined;
}
