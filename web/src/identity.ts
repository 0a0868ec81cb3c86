// Who the dashboard signs as: a key generated and kept in this browser (localStorage), or an injected wallet
// (EIP-191 personal_sign, which the coordinator verifies like any other signature), or nobody (read-only).
import { messageSigner, privateKeySigner, type Signer } from '../../src/sdk/index.ts';

const KEY_ITEM = 'proofmarket.browser-key';
export type Identity = { kind: 'browser'; address: string } | { kind: 'wallet'; address: string } | { kind: 'none' };

let signer: Signer | undefined;
let identity: Identity = { kind: 'none' };
const listeners = new Set<() => void>();

function set(next: Identity, s: Signer | undefined): void {
  identity = next;
  signer = s;
  for (const l of listeners) l();
}

export const currentSigner = (): Signer | undefined => signer;
export const currentIdentity = (): Identity => identity;
export function onIdentity(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** Uses the browser key kept here, if there is one. */
export function restoreBrowserKey(): void {
  const key = localStorage.getItem(KEY_ITEM);
  if (!key) return;
  const s = privateKeySigner(key);
  set({ kind: 'browser', address: s.address }, s);
}

/** Makes a new secp256k1 key with the browser's CSPRNG and keeps it in localStorage (replacing any before). */
export function newBrowserKey(): void {
  for (;;) {
    const key = `0x${toHex(crypto.getRandomValues(new Uint8Array(32)))}`;
    try {
      const s = privateKeySigner(key); // refuses the ~2^-128 chance of a value outside the curve's order
      localStorage.setItem(KEY_ITEM, key);
      set({ kind: 'browser', address: s.address }, s);
      return;
    } catch {
      continue;
    }
  }
}

export function forgetBrowserKey(): void {
  localStorage.removeItem(KEY_ITEM);
  set({ kind: 'none' }, undefined);
}

/** Asks the injected wallet (window.ethereum) for an account, and signs every call through its personal_sign. */
export async function connectWallet(): Promise<void> {
  const eth = window.ethereum;
  if (!eth) throw new Error('no wallet in this browser (window.ethereum is missing)');
  const [address] = (await eth.request({ method: 'eth_requestAccounts' })) as string[];
  if (!address) throw new Error('the wallet gave no account');
  const personalSign = async (message: string) =>
    (await eth.request({ method: 'personal_sign', params: [`0x${toHex(new TextEncoder().encode(message))}`, address] })) as string;
  set({ kind: 'wallet', address: address.toLowerCase() }, messageSigner(address, personalSign));
}
