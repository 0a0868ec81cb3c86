// The signature primitives on libsecp256k1 (tiny-secp256k1) against viem, their reference: the SDK signer's
// signatures byte for byte, the coordinator's recovery, and every way a signature can be wrong.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { recoverMessageAddress, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { AUTH_HEADERS, bodySha256, signingMessage } from '../domain/auth.ts';
import { privateKeySigner } from '../sdk/signer.ts';
import { recoverSigner } from './auth.ts';
import { testCoordinator, type TestCoordinator } from '../../test/support/coordinator.ts';
import { INJECT_HOST } from '../../test/support/signing.ts';

/** secp256k1's group order and field prime. */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
const powMod = (b: bigint, e: bigint, m: bigint) => {
  let r = 1n;
  for (b %= m; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) r = (r * b) % m;
  return r;
};
const hex64 = (x: bigint) => x.toString(16).padStart(64, '0');
/** The signature with its s replaced (r and v kept). */
const withS = (sig: string, s: bigint) => `${sig.slice(0, 66)}${hex64(s)}${sig.slice(130)}`;
/** The other recovery id, in the same notation (27/28 or 0/1). */
const flipV = (sig: string) => {
  const v = Number.parseInt(sig.slice(130), 16);
  return `${sig.slice(0, 130)}${(v >= 27 ? 27 + ((v - 27) ^ 1) : v ^ 1).toString(16).padStart(2, '0')}`;
};
/** recoverSigner's answer, or 'throws' (installAuth answers 401 signature_invalid for both a throw and another address). */
const recovered = (message: string, sig: string) => {
  try {
    return recoverSigner(message, sig);
  } catch {
    return 'throws';
  }
};

test('privateKeySigner signs byte for byte as viem signMessage, and recoverSigner recovers viem signatures', async () => {
  const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
  for (let i = 0; i < 200; i++) {
    const key = generatePrivateKey();
    const viemAccount = privateKeyToAccount(key);
    const method = methods[i % methods.length]!;
    const path = `/v1/${randomBytes(1 + (i % 40)).toString('base64url')}?q=${i}`;
    const body = i % 3 === 0 ? '' : i % 3 === 1 ? JSON.stringify({ n: i, s: 'wörld✓' }) : randomBytes(i);
    const timestamp = 1_767_000_000_000 + i;
    const nonce = randomBytes(16).toString('base64url');
    const signer = privateKeySigner(key, { now: () => timestamp, nonce: () => nonce });
    const h = await signer.sign({ host: INJECT_HOST, method, path, body });
    const message = signingMessage({ host: INJECT_HOST, method, path, bodySha256: bodySha256(body), timestamp, nonce });
    const expected = await viemAccount.signMessage({ message });
    assert.equal(h[AUTH_HEADERS.signature], expected, `key ${key}, message ${JSON.stringify(message)}`);
    assert.equal(h[AUTH_HEADERS.address], viemAccount.address);
    assert.equal(signer.address, viemAccount.address.toLowerCase());
    assert.equal(recoverSigner(message, expected), viemAccount.address.toLowerCase());
    // v as 0/1 is accepted too
    const v01 = `${expected.slice(0, 130)}0${Number.parseInt(expected.slice(130), 16) - 27}`;
    assert.equal(recoverSigner(message, v01), viemAccount.address.toLowerCase());
  }
  // arbitrary messages (not only signingMessage's form): empty, unicode, long
  const account = privateKeyToAccount(generatePrivateKey());
  for (const message of ['', 'x', 'ünïcødé ✓ 🚀', 'a'.repeat(10_000), '\x19Ethereum Signed Message:\n3abc']) {
    const signature = await account.signMessage({ message });
    assert.equal(recoverSigner(message, signature), (await recoverMessageAddress({ message, signature })).toLowerCase());
    assert.equal(recoverSigner(message, signature), account.address.toLowerCase());
  }
});

test('a wrong, tampered, high-s or malformed signature never recovers the signer', async () => {
  const alice = privateKeyToAccount(generatePrivateKey());
  const bob = privateKeyToAccount(generatePrivateKey());
  const a = alice.address.toLowerCase();
  assert.equal(N / 2n, 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n, 'HALF_N in auth.ts');
  for (let i = 0; i < 20; i++) {
    const message = `proofmarket-request-v1\nPOST\n/v1/requests\n${i}`;
    const signature = await alice.signMessage({ message });
    assert.equal(recoverSigner(message, signature), a);
    assert.notEqual(recovered(`${message}!`, signature), a, 'another message');
    assert.notEqual(recovered(message, await bob.signMessage({ message })), a, 'another key');
    assert.notEqual(recovered(message, flipV(signature)), a, 'the other recovery id');
    for (const at of [2, 40, 66, 100, 129]) {
      const flipped = `${signature.slice(0, at)}${signature[at] === '0' ? '1' : '0'}${signature.slice(at + 1)}`;
      assert.notEqual(recovered(message, flipped), a, `a digit flipped at ${at}`);
    }
    // the high-s twin: viem (and libsecp256k1) recover Alice from (r, n-s, other v); we refuse it
    const s = BigInt(`0x${signature.slice(66, 130)}`);
    assert.ok(s <= N / 2n, 'viem signs low-s');
    const twin = flipV(withS(signature, N - s));
    assert.equal((await recoverMessageAddress({ message, signature: twin as Hex })).toLowerCase(), a, 'viem accepts the twin');
    assert.equal(recovered(message, twin), 'throws', 'high-s twin');
    assert.notEqual(recovered(message, withS(signature, N - s)), a, 'high s, same v');
  }
  const message = 'm';
  const signature = await alice.signMessage({ message });
  const r = signature.slice(2, 66);
  const malformed: [string, string][] = [
    ['r = 0', `0x${'00'.repeat(32)}${signature.slice(66)}`],
    ['s = 0', withS(signature, 0n)],
    ['r = n', `0x${hex64(N)}${signature.slice(66)}`],
    ['r = 2^256-1', `0x${'ff'.repeat(32)}${signature.slice(66)}`],
    ['s = n', withS(signature, N)],
    ['s = 2^256-1', withS(signature, 2n ** 256n - 1n)],
    ['all zero', `0x${'00'.repeat(65)}`],
    ['v = 29', `0x${r}${signature.slice(66, 130)}1d`],
    ['v = 2', `0x${r}${signature.slice(66, 130)}02`],
    ['v = 255', `0x${r}${signature.slice(66, 130)}ff`],
    ['not hex', `0x${'zz'.repeat(65)}`],
    ['too short', signature.slice(0, -2)],
    ['too long', `${signature}00`],
    ['no 0x', signature.slice(2)],
    ['empty', ''],
  ];
  for (const [name, sig] of malformed) assert.equal(recovered(message, sig), 'throws', name);
  // r that is no point's x (x³+7 not a square): recover has no answer
  let x = 5n;
  const isSquare = (y2: bigint) => powMod(y2, (P - 1n) / 2n, P) === 1n; // Euler's criterion
  while (isSquare((x ** 3n + 7n) % P)) x++;
  assert.equal(recovered(message, `0x${hex64(x)}${signature.slice(66)}`), 'throws', 'r not on the curve');
  // random 65-byte garbage with a valid v: another address or a throw, never Alice
  for (let i = 0; i < 200; i++) {
    assert.notEqual(recovered(message, `0x${randomBytes(64).toString('hex')}${i % 2 ? '1b' : '1c'}`), a);
  }
});

// Through installAuth: every refusal above is a 401 signature_invalid, never a 500.
let c: TestCoordinator;
before(async () => {
  c = await testCoordinator({ open: false, authWindowMs: 300_000 });
  c.app.post('/test/sig', async (req) => ({ signer: req.signer ?? null }));
});
after(async () => {
  await c?.close();
});

test('installAuth answers 401 signature_invalid for high-s, out-of-range and garbage signatures', async () => {
  const key = generatePrivateKey();
  const address = privateKeyToAccount(key).address.toLowerCase();
  const signer = privateKeySigner(key, { now: () => c.clock.now().getTime() });
  const body = '{"a":1}';
  const send = (headers: Record<string, string>) => c.call('POST', '/test/sig', body, headers);
  const h = await signer.sign({ host: INJECT_HOST, method: 'POST', path: '/test/sig', body });
  const sig = h[AUTH_HEADERS.signature]!;
  const s = BigInt(`0x${sig.slice(66, 130)}`);
  const bad: [string, string][] = [
    ['high-s twin', flipV(withS(sig, N - s))],
    ['high s, same v', withS(sig, N - s)],
    ['s = n', withS(sig, N)],
    ['r = 0', `0x${'00'.repeat(32)}${sig.slice(66)}`],
    ['r = 2^256-1', `0x${'ff'.repeat(32)}${sig.slice(66)}`],
    ['v = 29', `${sig.slice(0, 130)}1d`],
    ['random', `0x${randomBytes(64).toString('hex')}1b`],
  ];
  for (const [name, signature] of bad) {
    const r = await send({ ...h, [AUTH_HEADERS.signature]: signature });
    assert.equal(r.status, 401, `${name}: ${r.raw}`);
    assert.equal(r.body.error?.code, 'signature_invalid', `${name}: ${r.raw}`);
  }
  // none used the nonce up: the genuine signature passes
  const ok = await send(h);
  assert.equal(ok.status, 200, ok.raw);
  assert.equal(ok.body.signer, address);
});
