// The proof systems this process knows: snarkjs's three, built in, and external-command backends read from
// JSON definition files (the shipped backends/*.json, plus any given). Protocol: ./README.md.
import { accessSync, constants, readdirSync, readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalid } from '../../domain/errors.ts';

export const SNARKJS_BACKENDS = ['groth16', 'plonk', 'fflonk'] as const;
export type SnarkjsSystem = (typeof SNARKJS_BACKENDS)[number];

/** The folder of shipped definitions (repo root `backends/`). */
export const SHIPPED_BACKENDS_DIR = fileURLToPath(new URL('../../../backends/', import.meta.url));

export const BACKEND_NAME_RE = /^[a-z0-9][a-z0-9_-]{0,31}$/;

export interface BackendInfo {
  name: string;
  kind: 'snarkjs' | 'external' | 'ezkl';
  installed: boolean;
  install_hint: string | null;
  description: string;
}

export interface BackendCommand {
  /** An executable: a bare name is looked up on PATH; a path is resolved against the definition file's folder. */
  command: string;
  args: string[];
  /** Further executables the command needs (same lookup); all must be found for the backend to count as installed. */
  requires?: string[];
  /** Overrides the caller's time limit for this command. */
  timeout_ms?: number;
  /** Names of environment variables passed through to the command, beyond the fixed set (README). */
  env?: string[];
  /** Program artifacts the command needs as files (verify only; prove always gets the paths it has). */
  needs?: Array<'wasm' | 'zkey'>;
}

export interface ExternalBackendDefinition {
  name: string;
  description: string;
  prove: BackendCommand;
  verify: BackendCommand;
  install_hint: string;
  /** Optional: run once at load (exit 0 = installed), for what a file lookup cannot tell. */
  check?: { command: string; args: string[] };
  /**
   * How a program's artifacts are checked at registration: `snarkjs` (the vkey is a snarkjs key of the zkey,
   * as for the built-in systems) or `opaque` (default: the backend's own files, not inspected).
   */
  artifacts?: 'snarkjs' | 'opaque';
}

/** A command ready to spawn: the executable's absolute path, or the reason it is missing. */
export interface ResolvedCommand {
  path: string | null;
  args: string[];
  timeoutMs?: number;
  env: string[];
  needs: Array<'wasm' | 'zkey'>;
  /** Executables that were not found (the command itself included). */
  missing: string[];
}

interface ExternalEntry {
  definition: ExternalBackendDefinition;
  file: string;
  prove: ResolvedCommand;
  verify: ResolvedCommand;
  checkFailed: string | null;
}

const SNARKJS_DESCRIPTIONS: Record<SnarkjsSystem, string> = {
  groth16: 'Groth16 over BN254 with snarkjs, in worker threads (per-circuit trusted setup)',
  plonk: 'PLONK over BN254 with snarkjs, in worker threads (universal setup)',
  fflonk: 'FFLONK over BN254 with snarkjs, in worker threads (universal setup)',
};

/** zkML with ezkl: built in (src/proofs/ezkl), proved and verified by @ezkljs/engine; not listed in names(). */
export const EZKL_BACKEND_NAME = 'ezkl';

export function isSnarkjsSystem(name: string): name is SnarkjsSystem {
  return (SNARKJS_BACKENDS as readonly string[]).includes(name);
}

export class BackendRegistry {
  readonly #external: Map<string, ExternalEntry>;

  constructor(external: Map<string, ExternalEntry>) {
    this.#external = external;
  }

  /** Every backend: the snarkjs ones first, then the external ones by name. */
  list(): BackendInfo[] {
    return this.names().map((n) => this.get(n)!);
  }

  names(): string[] {
    return [...SNARKJS_BACKENDS, ...[...this.#external.keys()].sort()];
  }

  /** Every name a proof envelope may carry: names() and the built-in ezkl backend. */
  proofSystems(): string[] {
    return [...this.names(), EZKL_BACKEND_NAME];
  }

  get(name: string): BackendInfo | undefined {
    if (name === EZKL_BACKEND_NAME) return { name, kind: 'ezkl', installed: true, install_hint: null, description: 'zkML: ezkl (Halo2/KZG over BN254) models, proved and verified with @ezkljs/engine in worker threads' };
    if (isSnarkjsSystem(name)) return { name, kind: 'snarkjs', installed: true, install_hint: null, description: SNARKJS_DESCRIPTIONS[name] };
    const e = this.#external.get(name);
    if (!e) return undefined;
    const installed = this.#ok(e, 'prove') && this.#ok(e, 'verify');
    return { name, kind: 'external', installed, install_hint: installed ? null : e.definition.install_hint, description: e.definition.description };
  }

  definition(name: string): ExternalBackendDefinition | undefined {
    return this.#external.get(name)?.definition;
  }

  /** Where a definition was read from. */
  source(name: string): string | undefined {
    return this.#external.get(name)?.file;
  }

  isSnarkjs(name: string): boolean {
    return isSnarkjsSystem(name);
  }

  /** The resolved prove or verify command of an external backend. */
  command(name: string, op: 'prove' | 'verify'): ResolvedCommand | undefined {
    return this.#external.get(name)?.[op];
  }

  canProve(name: string): boolean {
    if (isSnarkjsSystem(name) || name === EZKL_BACKEND_NAME) return true;
    const e = this.#external.get(name);
    return !!e && this.#ok(e, 'prove');
  }

  canVerify(name: string): boolean {
    if (isSnarkjsSystem(name) || name === EZKL_BACKEND_NAME) return true;
    const e = this.#external.get(name);
    return !!e && this.#ok(e, 'verify');
  }

  /** Throws MarketError invalid `unknown_backend` / `backend_not_installed` unless `name` can be verified here. */
  requireVerifier(name: string): void {
    this.#require(name, 'verify');
  }

  /** The same for proving (a prover node's check before it takes on a backend). */
  requireProver(name: string): void {
    this.#require(name, 'prove');
  }

  #ok(e: ExternalEntry, op: 'prove' | 'verify'): boolean {
    return e[op].path !== null && e[op].missing.length === 0 && e.checkFailed === null;
  }

  /** Why `name` cannot prove or verify here, in one short sentence without the install hint; null if it can. */
  unavailable(name: string, op: 'prove' | 'verify'): string | null {
    if (isSnarkjsSystem(name) || name === EZKL_BACKEND_NAME) return null;
    const e = this.#external.get(name);
    if (!e) return `unknown proof system "${name}"; the known backends are ${this.names().join(', ')}`;
    if (this.#ok(e, op)) return null;
    const what = e[op].missing.length ? `${e[op].missing.join(', ')} not found` : `its installation check failed (${e.checkFailed})`;
    return `the ${op === 'verify' ? 'verifier' : 'prover'} of backend "${name}" is not installed here: ${what}`;
  }

  #require(name: string, op: 'prove' | 'verify'): void {
    const why = this.unavailable(name, op);
    if (why === null) return;
    const e = this.#external.get(name);
    if (!e) throw invalid('unknown_backend', why);
    throw invalid('backend_not_installed', `${why}. To install it: ${e.definition.install_hint}`);
  }
}

/**
 * Built-ins, the shipped definitions (backends/*.json), then `files` (resolved against `cwd`). A later file
 * may redefine a shipped backend (e.g. to point at a local toolchain); one file may not define a name twice,
 * and nobody may redefine groth16/plonk/fflonk. A malformed file throws: a configuration error stops start-up.
 */
export function loadBackends(opts: { files?: string[]; cwd?: string; shippedDir?: string | null } = {}): BackendRegistry {
  const external = new Map<string, ExternalEntry>();
  const shippedDir = opts.shippedDir === undefined ? SHIPPED_BACKENDS_DIR : opts.shippedDir;
  const shipped = shippedDir ? listJsonFiles(shippedDir) : [];
  const given = (opts.files ?? []).map((f) => resolve(opts.cwd ?? process.cwd(), f));
  for (const file of [...shipped, ...given]) {
    const seen = new Set<string>();
    for (const def of readDefinitions(file)) {
      if (seen.has(def.name)) throw new Error(`${file}: backend "${def.name}" is defined twice`);
      seen.add(def.name);
      external.set(def.name, resolveEntry(def, file));
    }
  }
  return new BackendRegistry(external);
}

function listJsonFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => n.endsWith('.json')).sort().map((n) => join(dir, n));
}

/** A file holds `{"backends": [...]}`, an array of definitions, or one definition. */
function readDefinitions(file: string): ExternalBackendDefinition[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read backend definitions from ${file}: ${(err as Error).message}`);
  }
  const list = Array.isArray(doc) ? doc : isObject(doc) && Array.isArray(doc.backends) ? doc.backends : [doc];
  return list.map((d, i) => validateDefinition(d, `${file}: definition ${i + 1}`));
}

function validateDefinition(d: unknown, where: string): ExternalBackendDefinition {
  const fail = (msg: string): never => {
    throw new Error(`${where}: ${msg}`);
  };
  if (!isObject(d)) return fail('not a JSON object');
  const name = d.name;
  if (typeof name !== 'string' || !BACKEND_NAME_RE.test(name)) return fail(`name must match ${BACKEND_NAME_RE}`);
  if (isSnarkjsSystem(name)) return fail(`"${name}" is a built-in snarkjs system and cannot be redefined`);
  if (typeof d.description !== 'string') return fail('description must be a string');
  if (typeof d.install_hint !== 'string' || d.install_hint.trim() === '') return fail('install_hint must be a non-empty string');
  const command = (c: unknown, key: string): BackendCommand => {
    if (!isObject(c)) return fail(`${key} must be an object with command and args`);
    if (typeof c.command !== 'string' || c.command === '') fail(`${key}.command must be a non-empty string`);
    if (!isStringArray(c.args)) fail(`${key}.args must be an array of strings`);
    if (c.requires !== undefined && !isStringArray(c.requires)) fail(`${key}.requires must be an array of strings`);
    if (c.env !== undefined && !isStringArray(c.env)) fail(`${key}.env must be an array of strings`);
    if (c.timeout_ms !== undefined && !(Number.isInteger(c.timeout_ms) && (c.timeout_ms as number) > 0)) fail(`${key}.timeout_ms must be a positive integer`);
    if (c.needs !== undefined && !(isStringArray(c.needs) && c.needs.every((n) => n === 'wasm' || n === 'zkey'))) fail(`${key}.needs may list "wasm" and "zkey"`);
    return c as unknown as BackendCommand;
  };
  command(d.prove, 'prove');
  command(d.verify, 'verify');
  if (d.check !== undefined && (!isObject(d.check) || typeof d.check.command !== 'string' || !isStringArray(d.check.args))) {
    fail('check must be {"command": string, "args": [string]}');
  }
  if (d.artifacts !== undefined && d.artifacts !== 'snarkjs' && d.artifacts !== 'opaque') fail('artifacts must be "snarkjs" or "opaque"');
  return d as unknown as ExternalBackendDefinition;
}

function resolveEntry(definition: ExternalBackendDefinition, file: string): ExternalEntry {
  const base = dirname(file);
  const resolveCommand = (c: BackendCommand): ResolvedCommand => {
    const path = findExecutable(c.command, base);
    const missing = [...(path ? [] : [c.command]), ...(c.requires ?? []).filter((r) => !findExecutable(r, base))];
    return { path, args: [...c.args], timeoutMs: c.timeout_ms, env: [...(c.env ?? [])], needs: [...(c.needs ?? [])], missing };
  };
  const prove = resolveCommand(definition.prove);
  const verify = resolveCommand(definition.verify);
  let checkFailed: string | null = null;
  if (definition.check) {
    const exe = findExecutable(definition.check.command, base);
    if (!exe) checkFailed = `${definition.check.command} not found`;
    else {
      const r = spawnSync(exe, definition.check.args, { cwd: base, timeout: 10_000, stdio: 'ignore' });
      if (r.status !== 0) checkFailed = `${definition.check.command} ${definition.check.args.join(' ')} exited ${r.status ?? r.signal}`;
    }
  }
  return { definition, file, prove, verify, checkFailed };
}

/** An executable file: a bare name on PATH, or a path (relative ones against `base`). Sync fs checks only. */
export function findExecutable(command: string, base: string, path = process.env.PATH ?? ''): string | null {
  const executable = (p: string) => {
    try {
      if (!statSync(p).isFile()) return false;
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (command.includes('/')) {
    const p = isAbsolute(command) ? command : resolve(base, command);
    return executable(p) ? p : null;
  }
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, command);
    if (executable(p)) return p;
  }
  return null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}
