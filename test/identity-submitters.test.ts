// Submitters (issue 5 §1): the submitter consents, the prover's owner authorizes, either side revokes; and
// mayActForProver, which the market asks before a prover's bids, polls, starts, releases, results, heartbeats.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { privateKeySigner, type Signer } from '../src/sdk/signer.ts';
import { httpRequest } from '../src/sdk/http.ts';
import { mayActForProver } from '../src/store/auth.ts';
import { startCoordinator, type Coordinator } from '../src/coordinator/coordinator.ts';
import { testCoordinator, type TestCoordinator } from './support/coordinator.ts';
import { INJECT_HOST } from './support/signing.ts';

// public dev keys (anvil's accounts 3, 4 and 5), never real ones
const OWNER_KEY = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6';
const SUBMITTER_KEY = '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a';
const STRANGER_KEY = '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba';

let c: TestCoordinator;
let owner: Signer;
let sub: Signer;
let stranger: Signer;
const P = 'id-prover-1';
const UNOWNED = 'id-prover-2';

before(async () => {
  // --open so the provers can be registered unsigned, as before the market wires registration to a signer;
  // the submitter routes want a signature in any mode.
  c = await testCoordinator({ open: true });
  const now = () => c.clock.now().getTime();
  owner = privateKeySigner(OWNER_KEY, { now });
  sub = privateKeySigner(SUBMITTER_KEY, { now });
  stranger = privateKeySigner(STRANGER_KEY, { now });
  for (const id of [P, UNOWNED]) {
    const r = await c.call('POST', '/provers/register', { prover_id: id, supported_levels: [1], capacity: 1 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  await c.db.query('UPDATE provers SET owner = $2 WHERE prover_id = $1', [P, owner.address]);
  await c.db.query('UPDATE provers SET owner = NULL WHERE prover_id = $1', [UNOWNED]);
});
after(() => c?.close());

async function as(signer: Signer | undefined, method: string, url: string, body?: unknown) {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers = signer ? await signer.sign({ method, host: INJECT_HOST, path: url, body: text ?? '' }) : {};
  return c.call(method, url, text, headers);
}

const may = (signer: Signer | undefined, open: boolean, prover = P) => mayActForProver(c.db, prover, signer?.address, open);

test('consent → authorize → act → revoke by either side → consent starts over', async () => {
  // before anything: only the owner (and, --open, an unsigned call) may act for the prover
  assert.equal(await may(owner, false), 'owner');
  assert.equal(await may(sub, false), false);
  assert.equal(await may(sub, true), false, 'a signed stranger is refused even --open');
  assert.equal(await may(undefined, true), 'open');
  assert.equal(await may(undefined, false), false);

  // no one is enlisted without consenting
  const early = await as(owner, 'POST', `/v1/provers/${P}/submitters`, { address: sub.address });
  assert.deepEqual([early.status, early.body.error?.code], [409, 'submitter_not_consented']);
  assert.match(early.body.error.message, /POST \/v1\/submitters\/consent/);

  // consent is signed by the submitter itself, even --open
  const unsigned = await as(undefined, 'POST', '/v1/submitters/consent', { prover_id: P });
  assert.deepEqual([unsigned.status, unsigned.body.error?.code], [401, 'signature_missing']);
  const unknown = await as(sub, 'POST', '/v1/submitters/consent', { prover_id: 'no-such-prover' });
  assert.deepEqual([unknown.status, unknown.body.error?.code], [404, 'prover_not_found']);
  const consent = await as(sub, 'POST', '/v1/submitters/consent', { prover_id: P });
  assert.equal(consent.status, 200, JSON.stringify(consent.body));
  assert.equal(consent.body.state, 'consented');
  assert.equal(consent.body.address, sub.address);
  assert.equal(consent.body.authorized_at, null);
  assert.equal(await may(sub, false), false, 'consent alone is not authorization');

  // only the owner authorizes
  for (const who of [stranger, sub]) {
    const r = await as(who, 'POST', `/v1/provers/${P}/submitters`, { address: sub.address });
    assert.deepEqual([r.status, r.body.error?.code], [403, 'not_owner']);
  }
  // a checksummed address is accepted, a mistyped one is not
  const checksummed = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65'; // the address of SUBMITTER_KEY, EIP-55
  assert.equal(checksummed.toLowerCase(), sub.address);
  const mistyped = checksummed.replace('DB7', 'dB7');
  assert.notEqual(mistyped, checksummed);
  const typo = await as(owner, 'POST', `/v1/provers/${P}/submitters`, { address: mistyped });
  assert.deepEqual([typo.status, typo.body.error?.code], [400, 'invalid_address']);
  const auth = await as(owner, 'POST', `/v1/provers/${P}/submitters`, { address: checksummed });
  assert.equal(auth.status, 200, JSON.stringify(auth.body));
  assert.equal(auth.body.state, 'active');
  assert.equal(auth.body.authorized_at, c.clock.now().toISOString());
  assert.equal(await may(sub, false), 'submitter');
  assert.equal(await may(sub, true), 'submitter');
  assert.equal(await may(stranger, false), false);

  // idempotent: authorizing or consenting again changes nothing
  c.clock.advance(1000);
  const again = await as(owner, 'POST', `/v1/provers/${P}/submitters`, { address: sub.address });
  assert.equal(again.body.authorized_at, auth.body.authorized_at);
  const reconsent = await as(sub, 'POST', '/v1/submitters/consent', { prover_id: P });
  assert.deepEqual([reconsent.body.state, reconsent.body.consented_at], ['active', consent.body.consented_at]);

  const list = await c.call('GET', `/v1/provers/${P}/submitters`);
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.map((s: { address: string; state: string }) => [s.address, s.state]), [[sub.address, 'active']]);

  // revoke: a stranger may not; the submitter may
  const strangerRevoke = await as(stranger, 'DELETE', `/v1/provers/${P}/submitters/${sub.address}`);
  assert.deepEqual([strangerRevoke.status, strangerRevoke.body.error?.code], [403, 'not_owner']);
  const selfRevoke = await as(sub, 'DELETE', `/v1/provers/${P}/submitters/${checksummed}`);
  assert.equal(selfRevoke.status, 200, JSON.stringify(selfRevoke.body));
  assert.deepEqual([selfRevoke.body.state, selfRevoke.body.revoked_by], ['revoked', sub.address]);
  assert.equal(await may(sub, false), false);
  assert.equal(await may(sub, true), false);

  // revoked: the owner cannot re-enlist it; only a new consent starts over, and then it needs authorizing again
  const reauth = await as(owner, 'POST', `/v1/provers/${P}/submitters`, { address: sub.address });
  assert.deepEqual([reauth.status, reauth.body.error?.code], [409, 'submitter_not_consented']);
  assert.match(reauth.body.error.message, /consent again/);
  const fresh = await as(sub, 'POST', '/v1/submitters/consent', { prover_id: P });
  assert.deepEqual([fresh.body.state, fresh.body.authorized_at, fresh.body.revoked_at, fresh.body.revoked_by], ['consented', null, null, null]);
  assert.equal(await may(sub, false), false);
  assert.equal((await as(owner, 'POST', `/v1/provers/${P}/submitters`, { address: sub.address })).body.state, 'active');
  assert.equal(await may(sub, false), 'submitter');

  // and the owner may revoke it
  const ownerRevoke = await as(owner, 'DELETE', `/v1/provers/${P}/submitters/${sub.address}`);
  assert.deepEqual([ownerRevoke.body.state, ownerRevoke.body.revoked_by], ['revoked', owner.address]);
  assert.equal(await may(sub, false), false);
});

test('the edges: unknown prover, unknown submitter, bad address, a prover with no owner', async () => {
  const noProver = await as(owner, 'POST', '/v1/provers/no-such-prover/submitters', { address: sub.address });
  assert.deepEqual([noProver.status, noProver.body.error?.code], [404, 'prover_not_found']);
  assert.equal((await c.call('GET', '/v1/provers/no-such-prover/submitters')).status, 404);
  const noSub = await as(owner, 'DELETE', `/v1/provers/${P}/submitters/${stranger.address}`);
  assert.deepEqual([noSub.status, noSub.body.error?.code], [404, 'submitter_not_found']);
  const badPath = await as(owner, 'DELETE', `/v1/provers/${P}/submitters/0x1234`);
  assert.deepEqual([badPath.status, badPath.body.error?.code], [400, 'invalid_request']);
  const extra = await as(owner, 'POST', `/v1/provers/${P}/submitters`, { address: sub.address, role: 'admin' });
  assert.deepEqual([extra.status, extra.body.error?.code], [400, 'invalid_request']);

  // registered unsigned: no owner, so no one can authorize submitters; anyone acts for it only --open
  assert.equal((await as(sub, 'POST', '/v1/submitters/consent', { prover_id: UNOWNED })).status, 200);
  const r = await as(owner, 'POST', `/v1/provers/${UNOWNED}/submitters`, { address: sub.address });
  assert.deepEqual([r.status, r.body.error?.code], [403, 'not_owner']);
  assert.match(r.body.error.message, /no owner/);
  assert.equal(await may(stranger, true, UNOWNED), 'open');
  assert.equal(await may(stranger, false, UNOWNED), false);
  assert.equal(await may(undefined, true, UNOWNED), 'open');
  assert.equal(await may(stranger, false, 'no-such-prover'), false);
});

test('over the wire: the SDK transport signs, a closed coordinator verifies, a replay is refused', async (t) => {
  const coordinator: Coordinator = await startCoordinator({ dataDir: 'memory://', logLevel: 'silent', verifierThreads: 1, port: 0, open: false }, { scheduler: false });
  t.after(() => coordinator.close());
  const signer = privateKeySigner(SUBMITTER_KEY); // the system clock, as the coordinator's
  const url = `${coordinator.url}/v1/submitters/consent`;
  const unsigned = await httpRequest(url, 'POST', JSON.stringify({ prover_id: P }), 10_000);
  assert.equal(unsigned.status, 401);
  assert.equal(((await unsigned.json()) as { error: { code: string } }).error.code, 'signature_missing');
  // signed: verified, then the route runs (and finds no such prover in this empty market)
  const res = await httpRequest(url, 'POST', JSON.stringify({ prover_id: P }), 10_000, undefined, signer);
  assert.equal(res.status, 404, await res.text());
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'prover_not_found');
  // the same signed headers sent again
  const fixed = privateKeySigner(SUBMITTER_KEY, { nonce: () => 'the-same-nonce-twice' });
  assert.equal((await httpRequest(url, 'POST', '{"prover_id":"x-1"}', 10_000, undefined, fixed)).status, 404);
  const replay = await httpRequest(url, 'POST', '{"prover_id":"x-1"}', 10_000, undefined, fixed);
  assert.equal(replay.status, 401);
  assert.equal(((await replay.json()) as { error: { code: string } }).error.code, 'nonce_replayed');
});
