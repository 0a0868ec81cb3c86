import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as ecc from 'tiny-secp256k1';
import { hashMessage, keccak256 } from 'viem';
import { checkTimestamp, bodySha256, isMutating, parseAuthHeaders, signingMessage, type AuthProblem, type SignedHeaders } from '../domain/auth.ts';
import type { Clock } from '../domain/clock.ts';
import { MarketError, invalid } from '../domain/errors.ts';
import { CONTENT_SHA256_HEADER } from '../api/artifacts.ts';
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
 *   signature recovered over method, Host header, path as sent, body hash, timestamp and nonce, then the nonce is recorded
 *   (seen before: replay). It sets `req.signer` to the lower-case address.
 * - A POST/PUT/PATCH/DELETE without them: 401 `signature_missing`, unless `open`; a GET without them passes.
 * - Refusals are 401 MarketErrors: `signature_missing`, `signature_malformed`, `signature_invalid` (not signed
 *   by that address, or over something else: another body, path, method, host, timestamp or nonce),
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
    const message = signingMessage({ method: req.method, host: req.headers.host ?? '', path: req.raw.url ?? req.url, bodySha256: streamedBodySha256(req) ?? bodySha256(req.rawBody), timestamp: h.timestamp, nonce: h.nonce });
    let recovered: string;
    try {
      recovered = recoverSigner(message, h.signature);
    } catch {
      throw unauthorized({
        code: 'signature_invalid',
        message: 'x-pm-signature is not a valid secp256k1 signature (r, s, v): r and s in 1..n-1, s in the lower half (EIP-2), v 27/28 or 0/1',
      });
    }
    if (recovered !== h.address) {
      throw unauthorized({
        code: 'signature_invalid',
        message: `the signature is not ${h.address}'s over this call (method, host, path with query, body, timestamp and nonce as sent); check the key and sign the exact bytes you send`,
      });
    }
    const now = opts.clock.now();
    if (!(await useNonce(opts.db, h.address, h.nonce, now))) {
      throw unauthorized({ code: 'nonce_replayed', message: `${h.address} already used the nonce "${h.nonce}"; every signed call needs a fresh one` });
    }
    req.signer = h.address;
  });
}

/**
 * A streamed body (an artifact upload) cannot be hashed before its route runs: its signature covers the sha256
 * the caller declares in x-pm-content-sha256 instead, and the route refuses a body that does not hash to it.
 */
function streamedBodySha256(req: FastifyRequest): string | undefined {
  if (!(req.routeOptions.config as { streamedBody?: boolean }).streamedBody) return undefined;
  const declared = req.headers[CONTENT_SHA256_HEADER];
  if (typeof declared !== 'string' || !/^[0-9a-fA-F]{64}$/.test(declared)) {
    throw invalid('content_sha256_missing', `a signed upload declares the sha256 of its body in ${CONTENT_SHA256_HEADER} (64 hex digits), and signs that`);
  }
  return declared.toLowerCase();
}

/** Half the secp256k1 group order: a canonical (EIP-2, low-s) signature has s ≤ this. */
const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;
const SIGNATURE_HEX = /^0x[0-9a-fA-F]{130}$/;

/**
 * The address whose key made this EIP-191 personal-sign signature of `message` (lower case): the same
 * address as viem's recoverMessageAddress for any signature viem (or any EIP-2 signer) makes, recovered on
 * libsecp256k1 (tiny-secp256k1's wasm), about 10× cheaper than noble in JS, so no per-address key cache.
 * Throws on a signature that is not 65 bytes r‖s‖v, has r or s out of range, a high s, or v other than
 * 27/28/0/1; the caller maps any throw to 401 `signature_invalid`.
 */
export function recoverSigner(message: string, signature: string): string {
  if (!SIGNATURE_HEX.test(signature)) throw new Error('a signature is 0x followed by 130 hex digits');
  // viem and libsecp256k1 both accept (r, n-s, v^1), a second valid form of any signature; refuse it so
  // each call has one signature only (nothing depends on that, since the nonce already stops replays).
  if (BigInt(`0x${signature.slice(66, 130)}`) > HALF_N) throw new Error('s is in the upper half of the order');
  const v = Number.parseInt(signature.slice(130, 132), 16);
  const recoveryId = v >= 27 ? v - 27 : v;
  if (recoveryId !== 0 && recoveryId !== 1) throw new Error(`v must be 27, 28, 0 or 1, got ${v}`);
  // recover throws on r or s of 0 or ≥ n, and answers null when no point has that r.
  const key = ecc.recover(hashMessage(message, 'bytes'), Buffer.from(signature.slice(2, 130), 'hex'), recoveryId, false);
  if (!key) throw new Error('no public key recovers from this signature');
  return `0x${keccak256(key.subarray(1)).slice(-40)}`;
}
