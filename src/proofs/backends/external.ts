// Runs an external backend's prove or verify command as a child process, per the protocol in ./README.md.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackendRegistry, ResolvedCommand } from './registry.ts';

export const PROTOCOL_VERSION = 1;

/** Variables every command gets from our environment (when set); a definition's `env` adds more. */
const BASE_ENV = ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TZ'];

const PROVE_STDOUT_LIMIT = 32 << 20;
const VERIFY_STDOUT_LIMIT = 1 << 20;
const STDERR_TAIL = 8 << 10;

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** The last few KB of stderr. */
  stderr: string;
  timedOut: boolean;
  /** stdout passed its limit and the command was killed. */
  overflow: boolean;
  /** The command could not be started (ENOENT, EACCES, …). */
  spawnError: string | null;
  ms: number;
}

/** A counting semaphore: at most `size` commands at once. */
export class Limiter {
  #free: number;
  readonly #waiting: Array<() => void> = [];
  #running = 0;

  constructor(size: number) {
    this.#free = Math.max(1, size);
  }

  get running(): number {
    return this.#running;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((r) => this.#waiting.push(r));
    this.#running++;
    try {
      return await fn();
    } finally {
      this.#running--;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }
}

/**
 * Spawns `cmd` in `workDir` with `stdinDoc` as JSON on stdin. The command runs in a process group of its own, so
 * that on timeout (or once it has exited) nothing it started is left behind: the whole group gets SIGKILL.
 */
export function runCommand(
  cmd: ResolvedCommand & { path: string },
  stdinDoc: unknown,
  opts: { workDir: string; timeoutMs: number; stdoutLimit: number; env: Record<string, string> },
): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolvePromise) => {
    let stdout = '';
    let stdoutBytes = 0;
    let stderr = '';
    let timedOut = false;
    let overflow = false;
    let settled = false;
    const child = spawn(cmd.path, cmd.args, { cwd: opts.workDir, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // ESRCH: the group is already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, opts.timeoutMs);
    const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      killGroup();
      resolvePromise({ code, signal, stdout, stderr, timedOut, overflow, spawnError, ms: performance.now() - started });
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdoutBytes += Buffer.byteLength(chunk);
      if (stdoutBytes > opts.stdoutLimit) {
        overflow = true;
        killGroup();
        return;
      }
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL);
    });
    // A command that exits without reading stdin makes our write fail with EPIPE: its exit code is what counts.
    child.stdin.on('error', () => undefined);
    child.on('error', (err) => finish(null, null, err.message));
    child.on('close', (code, signal) => finish(code, signal, null));
    child.stdin.end(JSON.stringify(stdinDoc));
  });
}

export function childEnv(extra: string[], own: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of [...BASE_ENV, ...extra]) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return { ...env, ...own };
}

/** The last meaningful line a command printed, for a one-line reason (ANSI colours stripped). */
export function lastLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  const lines = text.replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines.at(-1) ?? '').slice(0, 300);
}

function describeFailure(r: RunResult, timeoutMs: number): string {
  if (r.spawnError) return `could not start: ${r.spawnError}`;
  if (r.timedOut) return `timed out after ${timeoutMs} ms`;
  if (r.overflow) return 'printed more than the output limit';
  const tail = lastLine(r.stderr) || lastLine(r.stdout);
  const how = r.signal ? `was killed by ${r.signal}` : `exited with code ${r.code}`;
  return tail ? `${how}: ${tail}` : how;
}

async function withWorkDir<T>(backend: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `pm-${backend}-`));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function ownEnv(backend: string, op: 'prove' | 'verify', dir: string): Record<string, string> {
  return { TMPDIR: dir, PROOFMARKET_BACKEND: backend, PROOFMARKET_OP: op, PROOFMARKET_WORK_DIR: dir, PROOFMARKET_PROTOCOL: String(PROTOCOL_VERSION) };
}

export interface ExternalProveJob {
  backend: string;
  programId?: string;
  input: Record<string, unknown>;
  wasmPath: string;
  zkeyPath: string;
  vkeyPath?: string;
}

export class ExternalProveError extends Error {}

/** Runs the backend's prove command. Resolves `{proof, publicSignals}` or rejects with ExternalProveError. */
export async function externalProve(
  registry: BackendRegistry,
  job: ExternalProveJob,
  timeoutMs: number,
): Promise<{ proof: unknown; publicSignals: string[]; ms: number }> {
  const cmd = registry.command(job.backend, 'prove');
  if (!cmd?.path) throw new ExternalProveError(`backend "${job.backend}" has no prove command here`);
  const limit = cmd.timeoutMs ?? timeoutMs;
  return withWorkDir(job.backend, async (dir) => {
    const doc = {
      protocol: PROTOCOL_VERSION,
      op: 'prove',
      backend: job.backend,
      work_dir: dir,
      program: { id: job.programId ?? null, wasm_path: job.wasmPath, zkey_path: job.zkeyPath, vkey_path: job.vkeyPath ?? null },
      input: job.input,
    };
    const r = await runCommand({ ...cmd, path: cmd.path! }, doc, { workDir: dir, timeoutMs: limit, stdoutLimit: PROVE_STDOUT_LIMIT, env: childEnv(cmd.env, ownEnv(job.backend, 'prove', dir)) });
    if (r.code !== 0 || r.timedOut || r.overflow || r.spawnError) {
      throw new ExternalProveError(`${job.backend} prove ${describeFailure(r, limit)}`);
    }
    let out: unknown;
    try {
      out = JSON.parse(r.stdout);
    } catch {
      throw new ExternalProveError(`${job.backend} prove printed no JSON document on stdout`);
    }
    const o = out as { proof?: unknown; public_signals?: unknown };
    if (typeof out !== 'object' || out === null || o.proof === undefined || o.proof === null) {
      throw new ExternalProveError(`${job.backend} prove printed no "proof"`);
    }
    if (!Array.isArray(o.public_signals) || !o.public_signals.every((s) => typeof s === 'string' && /^\d{1,80}$/.test(s))) {
      throw new ExternalProveError(`${job.backend} prove printed no "public_signals" array of decimal strings`);
    }
    return { proof: o.proof, publicSignals: o.public_signals as string[], ms: r.ms };
  });
}

export interface ExternalVerifyJob {
  backend: string;
  vkey: unknown;
  proof: unknown;
  publicSignals: string[];
  /** Loads a program artifact, for verify commands whose definition `needs` it. */
  artifact?: (kind: 'wasm' | 'zkey') => Promise<Uint8Array>;
}

/** Runs the backend's verify command. Never throws: every failure is `{pass: false, reason}`. */
export async function externalVerify(
  registry: BackendRegistry,
  job: ExternalVerifyJob,
  timeoutMs: number,
): Promise<{ pass: boolean; reason?: string; ms: number }> {
  const started = performance.now();
  const fail = (reason: string) => ({ pass: false, reason: reason.slice(0, 300), ms: performance.now() - started });
  const unavailable = registry.unavailable(job.backend, 'verify');
  if (unavailable) return fail(`cannot verify: ${unavailable}`);
  const cmd = registry.command(job.backend, 'verify')!;
  const limit = cmd.timeoutMs ?? timeoutMs;
  try {
    return await withWorkDir(job.backend, async (dir) => {
      const program: Record<string, string> = { vkey_path: join(dir, 'vkey.json') };
      await writeFile(program.vkey_path!, JSON.stringify(job.vkey));
      for (const kind of cmd.needs) {
        if (!job.artifact) return fail(`verifier error: backend "${job.backend}" needs the program's ${kind}, which the caller did not provide`);
        const p = join(dir, kind === 'wasm' ? 'program.wasm' : 'program.zkey');
        await writeFile(p, await job.artifact(kind));
        program[`${kind}_path`] = p;
      }
      const doc = { protocol: PROTOCOL_VERSION, op: 'verify', backend: job.backend, work_dir: dir, program, vkey: job.vkey, proof: job.proof, public_signals: job.publicSignals };
      const r = await runCommand({ ...cmd, path: cmd.path! }, doc, { workDir: dir, timeoutMs: limit, stdoutLimit: VERIFY_STDOUT_LIMIT, env: childEnv(cmd.env, ownEnv(job.backend, 'verify', dir)) });
      const ms = performance.now() - started;
      const said = parseVerdict(r.stdout);
      if (r.code === 0 && !r.timedOut && !r.overflow) {
        // Exit 0 alone is not enough: a misconfigured command (`true`, `cat`) must not accept every proof.
        if (said?.valid === true) return { pass: true, ms };
        return fail(`verifier error: ${job.backend} verify exited 0 without printing {"valid": true}`);
      }
      if (r.code === 1 && !r.timedOut && !r.overflow) {
        const why = said?.reason ?? (lastLine(r.stderr) || lastLine(r.stdout));
        return fail(`the proof does not verify under the program's verification key (${job.backend})${why ? `: ${why}` : ''}`);
      }
      return fail(`verifier error: ${job.backend} verify ${describeFailure(r, limit)}`);
    });
  } catch (err) {
    return fail(`verifier error: ${(err as Error).message}`);
  }
}

function parseVerdict(stdout: string): { valid?: unknown; reason?: string } | null {
  try {
    const v = JSON.parse(stdout) as { valid?: unknown; reason?: unknown };
    if (typeof v !== 'object' || v === null) return null;
    return { valid: v.valid, reason: typeof v.reason === 'string' ? v.reason.slice(0, 300) : undefined };
  } catch {
    return null;
  }
}
