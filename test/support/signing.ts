import { randomBytes } from 'node:crypto';
import { privateKeySigner, type Signer } from '../../src/sdk/signer.ts';
import type { TestCoordinator } from './coordinator.ts';

/** A fresh key, signing with the test coordinator's manual clock (so its timestamps are inside the window). */
export function testSigner(c?: Pick<TestCoordinator, 'clock'>): Signer & { privateKey: string } {
  const privateKey = `0x${randomBytes(32).toString('hex')}`;
  return Object.assign(privateKeySigner(privateKey, c ? { now: () => c.clock.now().getTime() } : {}), { privateKey });
}

/** The Host header of a request made with fastify's `inject` to a relative URL (what such a signed call must name). */
export const INJECT_HOST = 'localhost:80';

/** `c.call`, signed by `signer` over exactly the bytes sent. */
export async function signedCall(c: TestCoordinator, signer: Signer, method: string, url: string, body?: unknown) {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers = await signer.sign({ method, host: INJECT_HOST, path: url, body: text ?? '' });
  return c.call(method, url, text, headers);
}
