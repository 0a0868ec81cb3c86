// What every user command shares: the global options (--coordinator, --key, --json, --quiet), the SDK client
// they configure, output that behaves on a terminal and in a pipe, and SDK errors turned into exit codes.
import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ConnectionError, ProofMarketClient, ProofMarketError } from '../sdk/client.ts';
import type { Signer } from '../sdk/signer.ts';
import { isValidId } from '../domain/ids.ts';
import { CliError, EXIT, usage } from './errors.ts';

export const DEFAULT_COORDINATOR = 'http://127.0.0.1:8080';

/** The options every user command takes (merge them into the command's own before parsing). */
export const GLOBAL_OPTIONS = {
  coordinator: { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

export const GLOBAL_HELP = `Global options:
  --coordinator URL     the coordinator (default $PROOFMARKET_URL, else ${DEFAULT_COORDINATOR})
  --key FILE            sign calls with this key file (default $PROOFMARKET_KEY, else ~/.proofmarket/key.json
                        when it exists; see proofmarket keys)
  --json                machine-readable output: exactly one JSON document on stdout
  -q, --quiet           no progress or notes on stderr, only the result
  --debug               on an error, its stack under the one error line (or PROOFMARKET_DEBUG=1)
  -h, --help            this help`;

/** `~/.proofmarket`, or `$PROOFMARKET_HOME`: the CLI's own state (the key file, sealed-bid nonces). */
export function proofmarketHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.PROOFMARKET_HOME || join(homedir(), '.proofmarket');
}

export interface Context {
  client: ProofMarketClient;
  coordinatorUrl: string;
  /** --coordinator was on the command line (verify contacts a coordinator only then). */
  coordinatorExplicit: boolean;
  json: boolean;
  quiet: boolean;
  /** stdout and stderr are terminals: progress lines may redraw in place. */
  live: boolean;
  color: boolean;
  /** From the key file: the SDK signs every mutating call with it; its address is the caller's identity. */
  signer?: Signer;
  /** The key file the signer came from. */
  keyFile?: string;
}

type GlobalValues = { coordinator?: string; key?: string; json?: boolean; quiet?: boolean };

/**
 * Builds the context from the parsed global options and the environment. A key file named by --key or
 * PROOFMARKET_KEY is always loaded (missing, unreadable or not private: a one-line error); the default
 * ~/.proofmarket/key.json only when it exists and the command sends calls that are signed (`signs`, default
 * true): read-only commands skip it, since loading the signing code costs about a second.
 */
export async function openContext(values: GlobalValues, opts: { signs?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Context> {
  const env = opts.env ?? process.env;
  const raw = values.coordinator ?? env.PROOFMARKET_URL ?? DEFAULT_COORDINATOR;
  const bad = () => usage(`${values.coordinator !== undefined ? '--coordinator' : 'PROOFMARKET_URL'} must be an http:// or https:// URL, got "${raw}"`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw bad();
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw bad();
  const json = values.json === true;
  const quiet = values.quiet === true;
  const tty = Boolean(process.stdout.isTTY);
  const ctx: Context = {
    client: new ProofMarketClient({ baseUrl: raw }),
    coordinatorUrl: raw.replace(/\/+$/, ''),
    coordinatorExplicit: values.coordinator !== undefined,
    json,
    quiet,
    live: tty && Boolean(process.stderr.isTTY) && !json && !quiet,
    color: tty && !json && !env.NO_COLOR && env.TERM !== 'dumb',
  };
  const named = values.key ?? (env.PROOFMARKET_KEY || undefined);
  const keyFile = named ?? join(proofmarketHome(env), 'key.json'); // = keys.ts's defaultKeyPath
  if (named !== undefined || (opts.signs !== false && existsSync(keyFile))) {
    // Loaded only when there is a key: viem's signing code costs about a second of start-up.
    const { loadSigner } = await import('./keys.ts');
    ctx.signer = loadSigner(keyFile); // a named file that is missing, unreadable or not private is a one-line error
    ctx.keyFile = keyFile;
    ctx.client = new ProofMarketClient({ baseUrl: raw, signer: ctx.signer });
  }
  return ctx;
}

/**
 * Who a request or subscription is for: the key's address when there is a key; without one, `--requester`,
 * else $PROOFMARKET_REQUESTER, else the login name (when it is a valid id), else "cli".
 */
export function requesterOf(ctx: Context, flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (ctx.signer) {
    if (flag !== undefined && flag.toLowerCase() !== ctx.signer.address.toLowerCase()) {
      throw usage(`--requester ${flag} is not the key's address ${ctx.signer.address}: with a key, calls are made as its address (drop --requester, or --key another file)`);
    }
    return ctx.signer.address;
  }
  if (flag !== undefined) return idOption(flag, 'requester')!;
  if (env.PROOFMARKET_REQUESTER) return idOption(env.PROOFMARKET_REQUESTER, 'requester')!;
  let login = '';
  try {
    login = userInfo().username;
  } catch {
    // no passwd entry (e.g. a container's arbitrary uid)
  }
  return isValidId(login) ? login : 'cli';
}

/** The SDK's errors as the CLI reports them: a refusal exits 1 with the catalogue's code, no coordinator exits 3. */
export function toCliError(err: unknown): unknown {
  if (err instanceof ProofMarketError) return new CliError(err.code, oneLine(err.message), EXIT.failed, { cause: err });
  if (err instanceof ConnectionError) {
    return new CliError('coordinator_unreachable', oneLine(`${err.message} (is it running? start one with proofmarket serve, or pass --coordinator URL / set PROOFMARKET_URL)`), EXIT.unreachable, { cause: err });
  }
  return err;
}

/** Runs `fn`, turning SDK errors into CliErrors. */
export async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toCliError(err);
  }
}

export const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();

// ── output ──────────────────────────────────────────────────────────────────────────────────────────────

/** The result of a command: with --json exactly one JSON document on stdout, else the text. */
export function emit(ctx: Context, doc: unknown, text: () => string): void {
  if (ctx.json) process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  else {
    const t = text();
    if (t !== '') process.stdout.write(t.endsWith('\n') ? t : `${t}\n`);
  }
}

/** A note for people (stderr): not with --quiet; with --json too, since stdout holds only the document. */
export function note(ctx: Context, message: string): void {
  if (!ctx.quiet) process.stderr.write(`${message}\n`);
}

/** A line that redraws in place on a terminal; nothing in a pipe (callers print status changes instead). */
export class ProgressLine {
  #shown = false;
  constructor(private readonly ctx: Context) {}
  update(text: string): void {
    if (!this.ctx.live) return;
    const width = process.stderr.columns ?? 100;
    process.stderr.write(`\r\x1b[2K${text.length >= width ? `${text.slice(0, width - 2)}…` : text}`);
    this.#shown = true;
  }
  /** Clears the line (call before printing anything else). */
  clear(): void {
    if (!this.#shown) return;
    process.stderr.write('\r\x1b[2K');
    this.#shown = false;
  }
}

export function paint(ctx: Context) {
  const wrap = (open: number, close: number) => (s: string) => (ctx.color ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), cyan: wrap(36, 39) };
}

/** A plain text table: a header row, then the rows, columns padded (the last one is not). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

// ── option values ───────────────────────────────────────────────────────────────────────────────────────

/** A value from a fixed list, or a usage error naming the list. */
export function oneOf<T extends string>(value: string | undefined, name: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw usage(`--${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

/** Integer base units as a decimal string. */
export function amountOption(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,78}$/.test(value)) throw usage(`--${name} must be an amount in base units (a whole number such as 1000000), got "${value}"`);
  return BigInt(value).toString();
}

export function numberOption(value: string | undefined, name: string, min: number, max: number, what = 'a number'): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\s*$/.test(value) ? NaN : Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw usage(`--${name} must be ${what} from ${min} to ${max}, got "${value}"`);
  return n;
}

export function idOption(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (!isValidId(value)) throw usage(`--${name} must be an id (letters, digits and _ . : -, at most 64), got "${value}"`);
  return value;
}

export function required<T>(value: T | undefined, name: string, command: string): T {
  if (value === undefined) throw usage(`--${name} is required; see proofmarket ${command} --help`, 'missing_option');
  return value;
}

/** Exactly `n` positional arguments, or a usage error. */
export function positionalArgs(positionals: string[], names: string[], command: string): string[] {
  if (positionals.length !== names.length) {
    throw usage(`expected ${names.map((n) => `<${n}>`).join(' ') || 'no arguments'}${positionals.length > names.length ? `, got also "${positionals.slice(names.length).join(' ')}"` : ''}; see proofmarket ${command} --help`);
  }
  return positionals;
}

export const BACKEND_RE = /^[a-z0-9][a-z0-9_-]{0,31}$/;

export function backendOption(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (!BACKEND_RE.test(value)) throw usage(`--${name} must be a backend name such as groth16, plonk, fflonk or koalabear, got "${value}"`);
  return value;
}

/** Money for people: 1234567 → "1,234,567". */
export function money(v: string | null | undefined): string {
  if (v === null || v === undefined) return '-';
  return v.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
