import { randomBytes } from 'node:crypto';
import * as ecc from 'tiny-secp256k1';
import { hashMessage } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { AUTH_HEADERS, bodySha256, signingMessage, type Hex } from '../domain/auth.ts';

/** The request a Signer signs: the method, the path with its query string as sent, and the exact body bytes. */
export interface SignableRequest {
  method: string;
  /** The Host header the request goes out with: `new URL(url).host`, e.g. `127.0.0.1:7777`. */
  host: string;
  /** e.g. `/v1/requests` or `/tasks/assign/p-1?x=1`: exactly what goes on the request line. */
  path: string;
  /** The bytes sent (a string is taken as its UTF-8 bytes); empty for no body. */
  body?: Uint8Array | string;
}

/**
 * Signs requests as one participant (see `src/domain/auth.ts` for the scheme). `sign` answers the four
 * `x-pm-*` headers to send with the request; each call uses a fresh nonce and the current time.
 *
 * @example
 * const signer = privateKeySigner(process.env.KEY!);
 * const pm = new ProofMarketClient({ baseUrl, signer });
 */
export interface Signer {
  /** The signer's address, lower case: its id in the market. */
  readonly address: string;
  sign(req: SignableRequest): Promise<Record<string, string>>;
}

export interface PrivateKeySignerOptions {
  /** Milliseconds since the epoch; defaults to Date.now (tests pass a fixed clock). */
  now?: () => number;
  /** A fresh nonce per call; defaults to 16 random bytes as base64url (22 characters). */
  nonce?: () => string;
}

/**
 * A Signer holding a secp256k1 private key (`0x` + 64 hex) in memory. It signs EIP-191 personal-sign on
 * libsecp256k1 (tiny-secp256k1's wasm, about 3× cheaper than viem's `signMessage` on noble): both use RFC 6979
 * nonces and low s, so the signature is byte for byte the one viem's `signMessage` makes.
 */
export function privateKeySigner(privateKey: string, opts: PrivateKeySignerOptions = {}): Signer {
  if (!/^0x[0-9a-fA-F]{64}$/.test(privateKey)) throw new Error('a private key is 0x followed by 64 hex digits');
  const account = privateKeyToAccount(privateKey as Hex); // validates the key and derives the address, once
  const key = Buffer.from(privateKey.slice(2), 'hex');
  const now = opts.now ?? Date.now;
  const nonce = opts.nonce ?? newNonce;
  return {
    address: account.address.toLowerCase(),
    async sign(req) {
      const timestamp = now();
      const n = nonce();
      const message = signingMessage({ method: req.method, host: req.host, path: req.path, bodySha256: bodySha256(req.body), timestamp, nonce: n });
      // No extra entropy: plain RFC 6979, as viem. v = 27 + recovery id, as viem's signMessage serializes it.
      const { signature: rs, recoveryId } = ecc.signRecoverable(hashMessage(message, 'bytes'), key);
      const signature = `0x${Buffer.from(rs).toString('hex')}${(27 + recoveryId).toString(16)}`;
      return {
        [AUTH_HEADERS.address]: account.address,
        [AUTH_HEADERS.timestamp]: String(timestamp),
        [AUTH_HEADERS.nonce]: n,
        [AUTH_HEADERS.signature]: signature,
      };
    },
  };
}

/** 16 random bytes, base64url: 22 characters of [A-Za-z0-9_-]. */
export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}
