import { bytesToHex, hexToBytes, randomBytes } from '@noble/hashes/utils';
import { hashMessage } from 'viem';
import { privateKeyToAccount, signMessage } from 'viem/accounts';
import { AUTH_HEADERS, bodySha256, signingMessage, type Hex } from '../domain/auth.ts';
import { nodeOnly } from './platform.ts';

/** The request a Signer signs: the method, the path with its query string as sent, and the exact body bytes. */
export interface SignableRequest {
  method: string;
  /** The Host header the request goes out with: `new URL(url).host`, e.g. `127.0.0.1:7777`. */
  host: string;
  /** e.g. `/v1/requests` or `/tasks/assign/p-1?x=1`: exactly what goes on the request line. */
  path: string;
  /** The bytes sent (a string is taken as its UTF-8 bytes); empty for no body. */
  body?: Uint8Array | string;
  /** A streamed body (an artifact upload): its sha256 (hex), signed in place of `body`'s and sent as x-pm-content-sha256. */
  bodySha256?: string;
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
 * A Signer holding a secp256k1 private key (`0x` + 64 hex) in memory. It signs EIP-191 personal-sign
 * (see `personalSign`): the signature is byte for byte the one viem's `signMessage` makes.
 */
export function privateKeySigner(privateKey: string, opts: PrivateKeySignerOptions = {}): Signer {
  if (!/^0x[0-9a-fA-F]{64}$/.test(privateKey)) throw new Error('a private key is 0x followed by 64 hex digits');
  const account = privateKeyToAccount(privateKey as Hex); // validates the key and derives the address, once
  const key = hexToBytes(privateKey.slice(2));
  const now = opts.now ?? Date.now;
  const nonce = opts.nonce ?? newNonce;
  return {
    address: account.address.toLowerCase(),
    async sign(req) {
      const timestamp = now();
      const n = nonce();
      const message = signingMessage({ method: req.method, host: req.host, path: req.path, bodySha256: req.bodySha256 ?? bodySha256(req.body), timestamp, nonce: n });
      const signature = await personalSign(message, key);
      return {
        [AUTH_HEADERS.address]: account.address,
        [AUTH_HEADERS.timestamp]: String(timestamp),
        [AUTH_HEADERS.nonce]: n,
        [AUTH_HEADERS.signature]: signature,
      };
    },
  };
}

/**
 * A Signer whose signatures come from elsewhere: `personalSign(message)` answers the EIP-191 personal-sign of the
 * message by `address` (in a browser, an injected wallet's `personal_sign`). The coordinator recovers the address
 * from the signature, so a wallet that signs with another key is refused (401 signature_invalid).
 *
 * @example
 * const [address] = await ethereum.request({ method: 'eth_requestAccounts' });
 * const signer = messageSigner(address, (m) => ethereum.request({ method: 'personal_sign', params: [toHex(m), address] }));
 */
export function messageSigner(address: string, personalSign: (message: string) => Promise<string>, opts: PrivateKeySignerOptions = {}): Signer {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new Error('an address is 0x followed by 40 hex digits');
  const now = opts.now ?? Date.now;
  const nonce = opts.nonce ?? newNonce;
  return {
    address: address.toLowerCase(),
    async sign(req) {
      const timestamp = now();
      const n = nonce();
      const message = signingMessage({ method: req.method, host: req.host, path: req.path, bodySha256: bodySha256(req.body), timestamp, nonce: n });
      return {
        [AUTH_HEADERS.address]: address,
        [AUTH_HEADERS.timestamp]: String(timestamp),
        [AUTH_HEADERS.nonce]: n,
        [AUTH_HEADERS.signature]: await personalSign(message),
      };
    },
  };
}

/** 16 random bytes (Web Crypto), base64url: 22 characters of [A-Za-z0-9_-]. */
export function newNonce(): string {
  return base64url(randomBytes(16));
}

/** RFC 4648 §5 without padding, as Node's Buffer `base64url`; btoa is in browsers and Node alike. */
export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

type NativeSecp256k1 = typeof import('./node-secp256k1.ts');
let native: Promise<NativeSecp256k1 | undefined> | undefined;
const nativeSecp256k1 = (): Promise<NativeSecp256k1 | undefined> => (native ??= nodeOnly<NativeSecp256k1>('./node-secp256k1.ts'));

/**
 * EIP-191 personal-sign of `message` with the 32-byte `privateKey`: `0x` + r + s + v, v = 27 + recovery id, as
 * viem's `signMessage` serializes it. On Node through libsecp256k1 (node-secp256k1.ts), elsewhere through
 * viem's noble; both use RFC 6979 nonces without extra entropy and low s, so the bytes are the same.
 * `engine: 'portable'` forces noble (the tests compare the two).
 */
export async function personalSign(message: string, privateKey: Uint8Array, engine: 'auto' | 'portable' = 'auto'): Promise<Hex> {
  const fast = engine === 'auto' ? await nativeSecp256k1() : undefined;
  if (!fast) return signMessage({ message, privateKey: `0x${bytesToHex(privateKey)}` });
  const { signature, recoveryId } = fast.signRecoverable(hashMessage(message, 'bytes'), privateKey);
  return `0x${bytesToHex(signature)}${(27 + recoveryId).toString(16)}`;
}
