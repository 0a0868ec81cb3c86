import type { FastifyInstance, FastifyRequest } from 'fastify';
import { secp256k1 } from '@noble/curves/secp256k1';
import { invert, mod } from '@noble/curves/abstract/modular';
import { hashMessage, keccak256 } from 'viem';
import { checkTimestamp, bodySha256, isMutating, parseAuthHeaders, signingMessage, type AuthProblem, type SignedHeaders } from '../domain/auth.ts';
import type { Clock } from '../domain/clock.ts';
import { MarketError } from '../domain/errors.ts';
import type { Queryable } from '../store/db.ts';
import { useNonce } from '../store/auth.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified signer of this call (lower-case address); undefined for an unsigned call (`--open` only for mutating calls). */
    signer: string | undefined;
    /** The JSON body's bytes as received (what the signature's body hash covers). */
    rawBody: Buffer | undefined;
  }
}

export interface AuthOptions {
  /**
   * `--open`: unsigned mutating calls are let through (with `req.signer` undefined), as the seed API had
   * them. Signed calls are still verified. Only for a coordinator bound to loopback.
   */
  open: boolean;
  /** How far a signed call's timestamp may be from `clock`, either way. */
  windowMs: number;
  clock: Clock;
  /** Where the nonces are kept. */
  db: Queryable;
}

/** The signature's headers, parsed in onRequest and verified once the body has been read. */
const PENDING = Symbol('pm-auth-pending');
type Pending = FastifyRequest & { [PENDING]?: SignedHeaders };

const unauthorized = (p: AuthProblem) => new MarketError('unauthorized', p.code, p.message);

/**
 * Installs signed-request verification (scheme: src/domain/auth.ts) on the app; call it before any route.
 *
 * - Every call carrying the `x-pm-*` headers is verified, whatever its method — a signed GET too (the poll
 *   `GET /tasks/assign/:prover_id` claims a task, so a prover's poll is signed): form, timestamp window,
 *   signature recovered over method, path as sent, body hash, timestamp and nonce, then the nonce is recorded
 *   (seen before: replay). It sets `req.signer` to the lower-case address.
 * - A POST/PUT/PATCH/DELETE without them: 401 `signature_missing`, unless `open`; a GET without them passes.
 * - Refusals are 401 MarketErrors: `signature_missing`, `signature_malformed`, `signature_invalid` (not signed
 *   by that address, or over something else: another body, path, method, timestamp or nonce),
 *   `timestamp_out_of_window`, `nonce_replayed`. Unknown routes answer 404 first.
 *
 * It also replaces the JSON body parser with one that keeps the raw bytes (`req.rawBody`) and fails as
 * Fastify's own does (FST_ERR_CTP_EMPTY_JSON_BODY, FST_ERR_CTP_INVALID_JSON_BODY → 400 malformed_json).
 * Nonces must be kept for twice the window (the market's sweep prunes older ones with `pruneNonces`).
 */
export function installAuth(app: FastifyInstance, opts: AuthOptions): void {
  const jsonParse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: app.initialConfig.bodyLimit }, (req, body, done) => {
    req.rawBody = body as Buffer;
    jsonParse(req, body as unknown as string, done);
  });
  app.decorateRequest('signer', undefined);
  app.decorateRequest('rawBody', undefined);

  app.addHook('onRequest', async (req: Pending) => {
    if (req.is404) return;
    const parsed = parseAuthHeaders(req.headers);
    if (!parsed.ok) {
      if (parsed.problem.code === 'signature_missing' && (opts.open || !isMutating(req.method))) return;
      throw unauthorized(parsed.problem);
    }
    // Cheap checks before the body is read: a stale call is refused without reading or hashing it.
    const late = checkTimestamp(parsed.value.timestamp, opts.clock.now().getTime(), opts.windowMs);
    if (late) throw unauthorized(late);
    req[PENDING] = parsed.value;
  });

  app.addHook('preValidation', async (req: Pending) => {
    const h = req[PENDING];
    if (!h) return;
    req[PENDING] = undefined;
    const message = signingMessage({ method: req.method, path: req.raw.url ?? req.url, bodySha256: bodySha256(req.rawBody), timestamp: h.timestamp, nonce: h.nonce });
    let recovered: string;
    try {
      recovered = signedBy(message, h.signature, h.address) ? h.address : recoverSigner(message, h.signature, h.address);
    } catch {
      throw unauthorized({ code: 'signature_invalid', message: 'x-pm-signature is not a valid secp256k1 signature (r, s, v)' });
    }
    if (recovered !== h.address) {
      throw unauthorized({
        code: 'signature_invalid',
        message: `the signature is not ${h.address}'s over this call (method, path with query, body, timestamp and nonce as sent); check the key and sign the exact bytes you send`,
      });
    }
    const now = opts.clock.now();
    if (!(await useNonce(opts.db, h.address, h.nonce, now))) {
      throw unauthorized({ code: 'nonce_replayed', message: `${h.address} already used the nonce "${h.nonce}"; every signed call needs a fresh one` });
    }
    req.signer = h.address;
  });
}

/** The call's verified signer; 401 `signature_missing` for an unsigned call (for acts that need a signature even `--open`). */
export function requireSigner(req: FastifyRequest, what: string): string {
  if (req.signer === undefined) {
    throw new MarketError('unauthorized', 'signature_missing', `${what} must be signed: send the x-pm-* headers (see the SDK's Signer)`);
  }
  return req.signer;
}

/**
 * The address whose key made this EIP-191 personal-sign signature of `message` (lower case). The same
 * recovery as viem's recoverMessageAddress, called synchronously on noble's secp256k1 (viem's own curve
 * library). When it is `expected`, its public key is remembered (see `signedBy`).
 */
export function recoverSigner(message: string, signature: string, expected?: string): string {
  const v = Number.parseInt(signature.slice(130, 132), 16);
  const digest = hashMessage(message).slice(2);
  const key = secp256k1.Signature.fromCompact(signature.slice(2, 130)).addRecoveryBit(v >= 27 ? v - 27 : v).recoverPublicKey(digest);
  const address = `0x${keccak256(key.toRawBytes(false).subarray(1)).slice(-40)}`;
  if (address === expected) rememberKey(address, key);
  return address;
}

/**
 * Whether `address`, whose public key was recovered before, made this signature of `message`: a plain ECDSA
 * verification against the remembered key, with its multiples precomputed (4-bit windows, about as costly
 * as one recovery, once per address), about 3× cheaper than recovering the key again on every call.
 * False when the key is not known yet (the caller then recovers it).
 */
export function signedBy(message: string, signature: string, address: string): boolean {
  const key = knownKeys.get(address);
  if (!key) return false;
  try {
    const { r, s } = secp256k1.Signature.fromCompact(signature.slice(2, 130));
    const n = secp256k1.CURVE.n;
    const sInv = invert(s, n);
    const z = mod(BigInt(hashMessage(message)), n);
    const point = secp256k1.ProjectivePoint.BASE.multiply(mod(z * sInv, n)).add(key.multiply(mod(r * sInv, n)));
    return mod(point.toAffine().x, n) === r;
  } catch {
    return false; // r or s out of range, or the sum at infinity
  }
}

type Point = ReturnType<typeof secp256k1.ProjectivePoint.fromHex>;
/** Public keys of recent signers, by address; the oldest is dropped past 10,000. */
const knownKeys = new Map<string, Point>();

function rememberKey(address: string, key: Point): void {
  if (knownKeys.has(address)) return;
  if (knownKeys.size >= 10_000) knownKeys.delete(knownKeys.keys().next().value!);
  const point = secp256k1.ProjectivePoint.fromAffine(key.toAffine());
  secp256k1.utils.precompute(4, point);
  knownKeys.set(address, point);
}
