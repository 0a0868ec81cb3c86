// The participant's secp256k1 key, kept in a local key file: its address is the participant's id in the
// market, and the SDK's Signer signs every mutating call with it. The CLI (src/cli/keys.ts) and the prover
// node (src/prover/state-dir.ts) both keep their keys this way. Node only (fs): not part of the browser SDK.
//
//   {"version":1,"address":"0x…(lower case)","private_key":"0x…(64 hex)"}
//
// The file is written with mode 0600 (its directory, when created, 0700), atomically (a temporary file
// renamed over), and is refused on read when group or others may read it, as ssh refuses such a key.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { privateKeyToAccount } from 'viem/accounts';
import { privateKeySigner, type Signer } from '../sdk/signer.ts';

export interface KeyFile {
  version: 1;
  /** Lower case: the participant's id in the market. */
  address: string;
  /** `0x` + 64 hex. */
  private_key: string;
}

/**
 * A key file or key that cannot be used, with a one-line message. `usage`: the caller asked for something
 * wrong (no such file, not a key), as opposed to a file that is there but unfit (malformed, not private).
 */
export class KeyFileError extends Error {
  constructor(
    message: string,
    readonly usage = false,
  ) {
    super(message);
    this.name = 'KeyFileError';
  }
}

/** `$PROOFMARKET_HOME/key.json`, else `~/.proofmarket/key.json`. */
export function defaultKeyPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.PROOFMARKET_HOME || join(homedir(), '.proofmarket'), 'key.json');
}

/** The key file to use: `--key FILE`, else `$PROOFMARKET_KEY`, else the default. */
export function resolveKeyPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? (env.PROOFMARKET_KEY || defaultKeyPath(env));
}

/**
 * A private key as `0x` + 64 lower-case hex, from `0x…` or bare hex (surrounding whitespace ignored), or a
 * usage KeyFileError. The key must be a valid secp256k1 scalar (not 0, below the group order).
 */
export function normalizePrivateKey(text: string): string {
  const t = text.trim();
  const hex = /^0x/i.test(t) ? t.slice(2) : t;
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new KeyFileError('a private key is 64 hex digits, optionally prefixed with 0x', true);
  const key = `0x${hex.toLowerCase()}`;
  try {
    privateKeyToAccount(key as `0x${string}`);
  } catch {
    throw new KeyFileError('that is not a valid secp256k1 private key (it must be non-zero and below the curve order)', true);
  }
  return key;
}

export function keyFileOf(privateKey: string): KeyFile {
  const key = normalizePrivateKey(privateKey);
  return { version: 1, address: privateKeyToAccount(key as `0x${string}`).address.toLowerCase(), private_key: key };
}

/**
 * Writes the key file (mode 0600; the directory, if created, 0700). Refuses to replace an existing file
 * unless `force`. The write is atomic: a reader sees the old file or the new one, never a torn one.
 */
export function writeKeyFile(path: string, key: KeyFile, { force = false } = {}): void {
  if (!force && existsSync(path)) {
    throw new KeyFileError(`a key file already exists at ${path} (address ${readAddressQuietly(path)}); pass --force to replace it, or --key FILE to write another`);
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(key)}\n`);
  } finally {
    closeSync(fd);
  }
  try {
    chmodSync(tmp, 0o600); // exactly 0600, whatever the umask did to open's mode
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw err;
  }
}

/** Reads and checks a key file; a missing, unreadable, group/other-readable or malformed file is a one-line KeyFileError. */
export function readKeyFile(path: string): KeyFile {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new KeyFileError(`no key file at ${path}; create one with proofmarket keys new (or pass --key FILE, or set PROOFMARKET_KEY)`, true);
    }
    throw new KeyFileError(`cannot read the key file ${path}: ${(err as Error).message}`);
  }
  if ((mode & 0o077) !== 0) {
    throw new KeyFileError(
      `the key file ${path} is accessible by group or others (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); a private key must be private: run chmod 600 ${path}`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new KeyFileError(`the key file ${path} is not a proofmarket key file (not JSON: ${(err as Error).message.split('\n')[0]})`);
  }
  const d = doc as Partial<KeyFile> | null;
  if (typeof d !== 'object' || d === null || d.version !== 1 || typeof d.private_key !== 'string' || typeof d.address !== 'string') {
    throw new KeyFileError(`the key file ${path} is not a proofmarket key file (expected {"version":1,"address":"0x…","private_key":"0x…"})`);
  }
  let key: KeyFile;
  try {
    key = keyFileOf(d.private_key);
  } catch (err) {
    throw new KeyFileError(`the key file ${path} holds no valid private key: ${(err as Error).message}`);
  }
  if (key.address !== d.address.toLowerCase()) {
    throw new KeyFileError(`the key file ${path} is inconsistent: its private key is ${key.address}'s, not ${d.address}'s`);
  }
  return key;
}

/** A Signer for the key in the file at `path` (default: `resolveKeyPath(undefined)`). */
export function loadSigner(path: string = resolveKeyPath(undefined)): Signer {
  return privateKeySigner(readKeyFile(path).private_key);
}

function readAddressQuietly(path: string): string {
  try {
    const d = JSON.parse(readFileSync(path, 'utf8')) as { address?: unknown };
    return typeof d.address === 'string' ? d.address : 'unknown';
  } catch {
    return 'unreadable';
  }
}
