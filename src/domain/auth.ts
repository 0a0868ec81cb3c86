import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex } from '@noble/hashes/utils';
import { isAddress as isEvmAddress } from 'viem';

/**
 * Signed requests: how a participant proves who is calling, without sessions or shared secrets.
 *
 * Every participant's id in the market is its EVM address (lower case). A signed call carries four headers:
 *
 * | header | value |
 * | --- | --- |
 * | `x-pm-address`   | the signer's address, `0x` + 40 hex (EIP-55 checksum or one case) |
 * | `x-pm-timestamp` | milliseconds since the epoch, a decimal string |
 * | `x-pm-nonce`     | 16–64 characters of `[A-Za-z0-9_-]`, never reused by that address |
 * | `x-pm-signature` | `0x` + 130 hex: an EIP-191 personal-sign (`personal_sign`, viem's `signMessage`) of the text below |
 *
 * The text signed (lines joined by `\n`, no trailing newline):
 *
 * ```
 * proofmarket-request-v2
 * POST                          ← the method, upper case
 * market.example.org:7777       ← the Host header as sent (the coordinator's authority), lower case
 * /v1/requests?x=1              ← the path with its query string, exactly as sent on the request line
 * e3b0c442…b855                 ← sha256 (hex) of the raw body bytes; of nothing when there is no body
 * 1767225600000                 ← x-pm-timestamp
 * k3J9-x_2pQ8rT0aZ              ← x-pm-nonce
 * ```
 *
 * The coordinator accepts it when the headers parse, the timestamp is within ± the window of its clock, the
 * address recovered from the signature is `x-pm-address`, and that address has not used the nonce before.
 * The host line binds a call to the coordinator it was sent to: coordinators that keep separate nonces (say,
 * staging and production) cannot be made to replay each other's calls. A reverse proxy must pass the client's
 * Host header through (nginx: `proxy_set_header Host $http_host`).
 * This module is the pure part (no I/O, no clock): parsing, the message, the checks' verdicts.
 */

export const AUTH_HEADERS = {
  address: 'x-pm-address',
  timestamp: 'x-pm-timestamp',
  nonce: 'x-pm-nonce',
  signature: 'x-pm-signature',
} as const;

/** The first line of every signed message: names the scheme and its version. */
export const SIGNING_DOMAIN = 'proofmarket-request-v2';

/** How far a signed call's timestamp may be from the coordinator's clock, either way (config `authWindowMs`). */
export const DEFAULT_AUTH_WINDOW_MS = 5 * 60_000;

export type Hex = `0x${string}`;

/** The four headers of a signed call, checked for form; `address` is lower case. */
export interface SignedHeaders {
  address: string;
  timestamp: number;
  nonce: string;
  signature: Hex;
}

/** Stable codes of a refused signature (all 401 at the HTTP edge). */
export type AuthProblemCode = 'signature_missing' | 'signature_malformed' | 'signature_invalid' | 'timestamp_out_of_window' | 'nonce_replayed';

export interface AuthProblem {
  code: AuthProblemCode;
  message: string;
}

export type ParsedAuth = { ok: true; value: SignedHeaders } | { ok: false; problem: AuthProblem };

/** Request headers as Node gives them (lower-case names; a repeated header is an array). */
export type HeaderBag = Record<string, string | string[] | undefined>;

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;
const TIMESTAMP_RE = /^(0|[1-9][0-9]{0,15})$/;
const NONCE_RE = /^[A-Za-z0-9_-]{16,64}$/;
const SIGNATURE_RE = /^0x[0-9a-fA-F]{130}$/;

/**
 * Whether `text` is an EVM address: `0x` + 40 hex, all lower case, all upper case, or mixed case with a
 * valid EIP-55 checksum (a mixed-case address with a wrong checksum is a typo, and refused).
 */
export function isAddress(text: unknown): text is string {
  if (typeof text !== 'string' || !ADDRESS_RE.test(text)) return false;
  const hex = text.slice(2);
  return hex === hex.toLowerCase() || hex === hex.toUpperCase() || isEvmAddress(text, { strict: true });
}

/** The market's form of an address (lower case), or undefined if `text` is not one. */
export function normalizeAddress(text: unknown): string | undefined {
  return isAddress(text) ? text.toLowerCase() : undefined;
}

/**
 * A participant's id as the market keys its accounts: an address in lower case; any other id (an unsigned
 * caller's name, in --open mode) as given.
 */
export function participantId(id: string): string {
  return /^0x[0-9a-fA-F]{40}$/.test(id) ? id.toLowerCase() : id;
}

/**
 * Reads the four auth headers. None of them: `signature_missing` (the caller did not sign). Some but not all,
 * a repeated one, or one of the wrong form: `signature_malformed`, naming the header.
 *
 * @example parseAuthHeaders(req.headers) // { ok: true, value: { address: '0xab…', timestamp: 1767…, nonce, signature } }
 */
export function parseAuthHeaders(headers: HeaderBag): ParsedAuth {
  const names = Object.values(AUTH_HEADERS);
  const present = names.filter((n) => headers[n] !== undefined);
  if (present.length === 0) {
    return fail('signature_missing', `this call must be signed: send the headers ${names.join(', ')} (see the SDK's Signer)`);
  }
  const absent = names.filter((n) => headers[n] === undefined);
  if (absent.length > 0) return fail('signature_malformed', `a signed call needs all four headers; missing ${absent.join(', ')}`);
  const one = (name: string): string | undefined => {
    const v = headers[name];
    return typeof v === 'string' ? v : undefined;
  };
  for (const n of names) if (one(n) === undefined) return fail('signature_malformed', `${n} is sent more than once`);

  const address = one(AUTH_HEADERS.address)!;
  if (!ADDRESS_RE.test(address)) return fail('signature_malformed', `${AUTH_HEADERS.address} must be 0x followed by 40 hex digits, got "${clip(address)}"`);
  if (!isAddress(address)) return fail('signature_malformed', `${AUTH_HEADERS.address} "${address}" has mixed case but a wrong EIP-55 checksum`);
  const ts = one(AUTH_HEADERS.timestamp)!;
  const timestamp = Number(ts);
  if (!TIMESTAMP_RE.test(ts) || !Number.isSafeInteger(timestamp)) {
    return fail('signature_malformed', `${AUTH_HEADERS.timestamp} must be milliseconds since the epoch as a decimal integer, got "${clip(ts)}"`);
  }
  const nonce = one(AUTH_HEADERS.nonce)!;
  if (!NONCE_RE.test(nonce)) return fail('signature_malformed', `${AUTH_HEADERS.nonce} must be 16-64 characters of A-Z a-z 0-9 _ -, got "${clip(nonce)}"`);
  const signature = one(AUTH_HEADERS.signature)!;
  if (!SIGNATURE_RE.test(signature)) {
    return fail('signature_malformed', `${AUTH_HEADERS.signature} must be 0x followed by 130 hex digits (r, s, v), got ${signature.length} characters`);
  }
  return { ok: true, value: { address: address.toLowerCase(), timestamp, nonce, signature: signature as Hex } };
}

/**
 * Whether a signed call's timestamp is within `windowMs` of the coordinator's clock, either way (a little
 * clock skew is normal; a call signed long ago, or far ahead, is not accepted).
 */
export function checkTimestamp(timestamp: number, nowMs: number, windowMs: number): AuthProblem | undefined {
  const skew = timestamp - nowMs;
  if (Math.abs(skew) <= windowMs) return undefined;
  const secs = Math.round(Math.abs(skew) / 1000);
  return {
    code: 'timestamp_out_of_window',
    message: `${AUTH_HEADERS.timestamp} is ${secs} s ${skew < 0 ? 'behind' : 'ahead of'} the coordinator's clock; signed calls are accepted within ±${Math.round(windowMs / 1000)} s (sign it again, or check this machine's clock)`,
  };
}

/** sha256, hex, of the body bytes as sent (a string is taken as UTF-8); of nothing for no body. */
export function bodySha256(body: Uint8Array | string | undefined): string {
  return bytesToHex(sha256(body ?? '')); // @noble/hashes, not node:crypto: the SDK signs with this in browsers too
}

/** What a signature covers: the request, where it goes, its body's hash, when, and a nonce. */
export interface SignedRequest {
  method: string;
  /** The Host header as sent: host name (or address) and a non-default port, e.g. `127.0.0.1:7777`. */
  host: string;
  /** Path and query string exactly as on the request line, e.g. `/tasks/assign/p-1?x=1`. */
  path: string;
  /** `bodySha256(body)`. */
  bodySha256: string;
  timestamp: number;
  nonce: string;
}

/** The text to personal-sign (EIP-191) for a request; see the module comment. */
export function signingMessage(r: SignedRequest): string {
  return [SIGNING_DOMAIN, r.method.toUpperCase(), r.host.toLowerCase(), r.path, r.bodySha256, String(r.timestamp), r.nonce].join('\n');
}

/** Whether a method changes something, and so must be signed (unless the coordinator runs `--open`). */
export function isMutating(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}

/**
 * Who a caller is to a prover: its owner, a live submitter of it (consented, authorized, not revoked), or —
 * only when the coordinator runs `--open` — anyone who does not sign, and anyone at all for a prover
 * registered unsigned (no owner). A signed call is taken at its word: a signer who is neither owner nor live
 * submitter is refused even in open mode.
 */
export type Authority = 'owner' | 'submitter' | 'open' | false;

export function authorityOver(prover: { owner: string | null; liveSubmitter: boolean }, signer: string | undefined, open: boolean): Authority {
  if (signer === undefined) return open ? 'open' : false;
  if (prover.owner !== null && signer === prover.owner) return 'owner';
  if (prover.liveSubmitter) return 'submitter';
  if (prover.owner === null && open) return 'open';
  return false;
}

function fail(code: AuthProblemCode, message: string): { ok: false; problem: AuthProblem } {
  return { ok: false, problem: { code, message } };
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
