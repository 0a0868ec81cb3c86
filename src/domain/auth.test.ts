import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  AUTH_HEADERS,
  authorityOver,
  bodySha256,
  checkTimestamp,
  isAddress,
  isMutating,
  normalizeAddress,
  parseAuthHeaders,
  signingMessage,
  type HeaderBag,
} from './auth.ts';

// vitalik.eth's address, a well-known EIP-55 example
const CHECKSUMMED = '0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045';
const LOWER = CHECKSUMMED.toLowerCase();
const SIG = `0x${'ab'.repeat(65)}`;

const good = (over: HeaderBag = {}): HeaderBag => ({
  [AUTH_HEADERS.address]: CHECKSUMMED,
  [AUTH_HEADERS.timestamp]: '1767225600000',
  [AUTH_HEADERS.nonce]: 'k3J9-x_2pQ8rT0aZ',
  [AUTH_HEADERS.signature]: SIG,
  ...over,
});

test('addresses: either case or a valid checksum is accepted, and the market uses lower case', () => {
  assert.ok(isAddress(CHECKSUMMED));
  assert.ok(isAddress(LOWER));
  assert.ok(isAddress(`0x${LOWER.slice(2).toUpperCase()}`));
  assert.equal(normalizeAddress(CHECKSUMMED), LOWER);
  // one letter's case flipped: a typo the checksum catches
  const typo = CHECKSUMMED.replace('dA6', 'da6');
  assert.equal(isAddress(typo), false);
  assert.equal(normalizeAddress(typo), undefined);
  for (const bad of ['', '0x', LOWER.slice(0, 41), `${LOWER}0`, LOWER.slice(2), `0X${LOWER.slice(2)}`, `0x${'g'.repeat(40)}`, 42, null, undefined]) {
    assert.equal(isAddress(bad), false, String(bad));
  }
});

test('parse: the four headers give a typed value with the address in lower case', () => {
  const r = parseAuthHeaders(good());
  assert.deepEqual(r, { ok: true, value: { address: LOWER, timestamp: 1767225600000, nonce: 'k3J9-x_2pQ8rT0aZ', signature: SIG } });
});

test('parse: no header at all is signature_missing; any problem with them is signature_malformed naming the header', () => {
  const missing = parseAuthHeaders({ 'content-type': 'application/json' });
  assert.equal(!missing.ok && missing.problem.code, 'signature_missing');

  const cases: [string, HeaderBag, RegExp][] = [
    ['no nonce', good({ [AUTH_HEADERS.nonce]: undefined }), /missing x-pm-nonce/],
    ['only the address', { [AUTH_HEADERS.address]: LOWER }, /missing x-pm-timestamp, x-pm-nonce, x-pm-signature/],
    ['repeated header', good({ [AUTH_HEADERS.nonce]: ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb'] }), /x-pm-nonce is sent more than once/],
    ['short address', good({ [AUTH_HEADERS.address]: '0x1234' }), /x-pm-address must be 0x/],
    ['bad checksum', good({ [AUTH_HEADERS.address]: CHECKSUMMED.replace('dA6', 'da6') }), /EIP-55 checksum/],
    ['timestamp in seconds with a fraction', good({ [AUTH_HEADERS.timestamp]: '1767225600.5' }), /x-pm-timestamp/],
    ['negative timestamp', good({ [AUTH_HEADERS.timestamp]: '-1' }), /x-pm-timestamp/],
    ['leading zero', good({ [AUTH_HEADERS.timestamp]: '01767225600000' }), /x-pm-timestamp/],
    ['timestamp beyond a safe integer', good({ [AUTH_HEADERS.timestamp]: '9999999999999999' }), /x-pm-timestamp/],
    ['ISO timestamp', good({ [AUTH_HEADERS.timestamp]: '2026-01-01T00:00:00Z' }), /x-pm-timestamp/],
    ['short nonce', good({ [AUTH_HEADERS.nonce]: 'abc' }), /x-pm-nonce must be 16-64/],
    ['long nonce', good({ [AUTH_HEADERS.nonce]: 'a'.repeat(65) }), /x-pm-nonce must be 16-64/],
    ['nonce with a dot', good({ [AUTH_HEADERS.nonce]: 'aaaaaaaa.bbbbbbbb' }), /x-pm-nonce/],
    ['signature without 0x', good({ [AUTH_HEADERS.signature]: 'ab'.repeat(65) }), /x-pm-signature/],
    ['signature too short', good({ [AUTH_HEADERS.signature]: `0x${'ab'.repeat(64)}` }), /x-pm-signature .* 130 hex/],
    ['signature not hex', good({ [AUTH_HEADERS.signature]: `0x${'zz'.repeat(65)}` }), /x-pm-signature/],
  ];
  for (const [name, headers, message] of cases) {
    const r = parseAuthHeaders(headers);
    assert.equal(r.ok, false, name);
    if (r.ok) continue;
    assert.equal(r.problem.code, 'signature_malformed', name);
    assert.match(r.problem.message, message, name);
  }
});

test('parse: 16 and 64 character nonces are the bounds', () => {
  assert.ok(parseAuthHeaders(good({ [AUTH_HEADERS.nonce]: 'a'.repeat(16) })).ok);
  assert.ok(parseAuthHeaders(good({ [AUTH_HEADERS.nonce]: `${'_-'.repeat(31)}Z9` })).ok);
  assert.equal(parseAuthHeaders(good({ [AUTH_HEADERS.nonce]: 'a'.repeat(15) })).ok, false);
});

test('property: parse never throws, whatever the headers', () => {
  const value = fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 }), fc.constant(undefined));
  fc.assert(
    fc.property(fc.record({ a: value, t: value, n: value, s: value }), ({ a, t, n, s }) => {
      const r = parseAuthHeaders({ [AUTH_HEADERS.address]: a, [AUTH_HEADERS.timestamp]: t, [AUTH_HEADERS.nonce]: n, [AUTH_HEADERS.signature]: s });
      if (r.ok) assert.equal(r.value.address, r.value.address.toLowerCase());
      else assert.ok(['signature_missing', 'signature_malformed'].includes(r.problem.code));
    }),
  );
});

test('timestamps: accepted within the window either way, inclusive; refused outside, saying which way', () => {
  const now = 1_767_225_600_000;
  const w = 300_000;
  assert.equal(checkTimestamp(now, now, w), undefined);
  assert.equal(checkTimestamp(now - w, now, w), undefined);
  assert.equal(checkTimestamp(now + w, now, w), undefined);
  const old = checkTimestamp(now - w - 1, now, w);
  assert.equal(old?.code, 'timestamp_out_of_window');
  assert.match(old!.message, /300 s behind .* ±300 s/);
  const future = checkTimestamp(now + 3_600_000, now, w);
  assert.equal(future?.code, 'timestamp_out_of_window');
  assert.match(future!.message, /3600 s ahead of/);
});

test('the signed message: seven lines, method upper case, host lower case, path as given, body hash, timestamp, nonce', () => {
  const empty = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
  assert.equal(bodySha256(''), empty);
  assert.equal(bodySha256(undefined), empty);
  assert.equal(bodySha256(new Uint8Array()), empty);
  assert.equal(bodySha256('{"a":"é"}'), bodySha256(new TextEncoder().encode('{"a":"é"}')), 'a string is hashed as its UTF-8 bytes');
  const msg = signingMessage({ method: 'post', host: 'Market.Example.org:7777', path: '/v1/requests?x=1&y=%20', bodySha256: empty, timestamp: 1767225600000, nonce: 'k3J9-x_2pQ8rT0aZ' });
  assert.equal(msg, `proofmarket-request-v2\nPOST\nmarket.example.org:7777\n/v1/requests?x=1&y=%20\n${empty}\n1767225600000\nk3J9-x_2pQ8rT0aZ`);
});

test('mutating methods are everything but GET, HEAD and OPTIONS', () => {
  for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) assert.ok(isMutating(m), m);
  for (const m of ['GET', 'HEAD', 'OPTIONS']) assert.equal(isMutating(m), false, m);
});

test('authority over a prover: owner, live submitter, open only when unsigned or ownerless in --open', () => {
  const owner = '0x' + '1'.repeat(40);
  const other = '0x' + '2'.repeat(40);
  const owned = { owner, liveSubmitter: false };
  assert.equal(authorityOver(owned, owner, false), 'owner');
  assert.equal(authorityOver(owned, owner, true), 'owner');
  assert.equal(authorityOver(owned, other, false), false);
  assert.equal(authorityOver(owned, other, true), false, 'a signed stranger is refused even --open');
  assert.equal(authorityOver({ owner, liveSubmitter: true }, other, false), 'submitter');
  assert.equal(authorityOver(owned, undefined, false), false);
  assert.equal(authorityOver(owned, undefined, true), 'open');
  const ownerless = { owner: null, liveSubmitter: false };
  assert.equal(authorityOver(ownerless, other, false), false);
  assert.equal(authorityOver(ownerless, other, true), 'open');
  assert.equal(authorityOver(ownerless, undefined, true), 'open');
  assert.equal(authorityOver(ownerless, undefined, false), false);
});
