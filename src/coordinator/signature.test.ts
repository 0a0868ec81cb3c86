import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recoverMessageAddress } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { recoverSigner, signedBy } from './auth.ts';

test('recoverSigner agrees with viem, and signedBy verifies against the remembered key', async () => {
  const alice = privateKeyToAccount(generatePrivateKey());
  const bob = privateKeyToAccount(generatePrivateKey());
  const a = alice.address.toLowerCase();
  for (let i = 0; i < 5; i++) {
    const message = `proofmarket-request-v1\nPOST\n/v1/requests\n${i}`;
    const signature = await alice.signMessage({ message });
    assert.equal(recoverSigner(message, signature, a), (await recoverMessageAddress({ message, signature })).toLowerCase());
    assert.equal(signedBy(message, signature, a), true, 'the remembered key verifies a genuine signature');
    assert.equal(signedBy(`${message}!`, signature, a), false, 'not over another message');
    assert.equal(signedBy(message, await bob.signMessage({ message }), a), false, 'not by another key');
    const flipped = `${signature.slice(0, 10)}${signature[10] === '0' ? '1' : '0'}${signature.slice(11)}`;
    assert.equal(signedBy(message, flipped, a), false, 'not a tampered signature');
  }
  assert.equal(signedBy('m', await bob.signMessage({ message: 'm' }), bob.address.toLowerCase()), false, 'a key never recovered is not known');
  // a signature recovered to another address than claimed is not remembered for the claimed one
  const forged = await bob.signMessage({ message: 'x' });
  assert.notEqual(recoverSigner('x', forged, '0x0000000000000000000000000000000000000001'), '0x0000000000000000000000000000000000000001');
  assert.equal(signedBy('x', forged, '0x0000000000000000000000000000000000000001'), false);
});
