// The error catalogue (src/domain/error-codes.ts) against what uses it: every code thrown anywhere in src/ is in
// it, every code in it is sent somewhere, README's table is the catalogue's, and the SDK's error classes follow
// its statuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ERRORS, errorTableMarkdown, isErrorCode } from '../src/api/errors.ts';
import { REJECTION_REASONS } from '../src/domain/market/types.ts';
import { fail, MarketError } from '../src/domain/errors.ts';
import { AuthError, ConflictError, errorOf, NotFoundError, PaymentError, ProofMarketError, UnavailableError, ValidationError } from '../src/sdk/errors.ts';
import { BEGIN, END, README, withTable } from '../scripts/error-table.ts';
import { refusalHint } from '../src/cli/errors.ts';

const SRC = new URL('../src/', import.meta.url).pathname;
const CATALOGUE = join(SRC, 'domain/error-codes.ts');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  );
}
const files = sources(SRC).filter((f) => f !== CATALOGUE);

/** Where codes are written as literals: the helpers, MarketError (and subclasses' super), the server's handler, auth problems. */
const USES = [
  /\b(?:conflict|invalid|notFound|forbidden|fail)\(\s*'([a-z0-9_]+)'/g,
  /\b(?:new MarketError|super)\(\s*'[a-z_]+',\s*'([a-z0-9_]+)'/g,
  /\banswer\(reply,\s*'([a-z0-9_]+)'/g,
  /\bFST_ERR_[A-Z_]+:\s*'([a-z0-9_]+)'/g,
  /\bcode: '([a-z0-9_]+)',/g,
];

test('every error code used in src/ is in the catalogue', () => {
  const used = new Map<string, string>(); // code → first file using it
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    for (const re of USES) for (const m of text.matchAll(re)) if (!used.has(m[1]!)) used.set(m[1]!, relative(SRC, f));
  }
  // The auction engine's refusals are sent as codes by the auction house: all of them.
  for (const r of REJECTION_REASONS) used.set(r, 'domain/market/types.ts (REJECTION_REASONS)');
  assert.ok(used.size >= 55, `the scan finds the codes (found ${used.size}: ${[...used.keys()].join(', ')})`);
  const missing = [...used].filter(([code]) => !isErrorCode(code)).map(([code, file]) => `${code} (${file})`);
  assert.deepEqual(missing, [], 'codes thrown in src/ but missing from src/domain/error-codes.ts');
});

test('every code in the catalogue is sent somewhere in src/', () => {
  const text = files.map((f) => readFileSync(f, 'utf8')).join('\n');
  const unused = Object.keys(ERRORS).filter((code) => !text.includes(`'${code}'`));
  assert.deepEqual(unused, [], 'catalogue codes that nothing in src/ names: remove them, or send them');
});

test('each code has a status of its family and a one-line hint', () => {
  for (const [code, spec] of Object.entries(ERRORS)) {
    assert.match(code, /^[a-z][a-z0-9_]*$/, code);
    assert.ok(spec.hint.length >= 10 && spec.hint.length <= 140 && !spec.hint.includes('\n'), `${code}: a one-line hint`);
    // MarketError takes its status from the catalogue, whatever helper made it
    assert.equal(fail(code as keyof typeof ERRORS, 'm').status, spec.status, code);
  }
  assert.equal(new MarketError('conflict', 'task_completed', 'done').status, 409);
  assert.equal(new MarketError('payment_required', 'insufficient_funds', 'poor').hint, ERRORS.insufficient_funds.hint);
});

test("README's error table is the catalogue's (npx tsx scripts/error-table.ts --write regenerates it)", () => {
  const readme = readFileSync(README, 'utf8');
  assert.ok(readme.includes(BEGIN) && readme.includes(END), 'README has the error-codes markers');
  assert.equal(readme, withTable(readme), 'README.md\'s "Error codes" table differs from src/domain/error-codes.ts');
  const rows = errorTableMarkdown().split('\n').slice(2);
  assert.equal(rows.length, Object.keys(ERRORS).length);
});

test('the SDK throws one class per family, with the catalogue\'s hint', () => {
  const family: Record<number, Function> = {
    400: ValidationError, 401: AuthError, 402: PaymentError, 403: AuthError, 404: NotFoundError,
    409: ConflictError, 413: ValidationError, 415: ValidationError, 503: UnavailableError,
  };
  for (const [code, { status, hint }] of Object.entries(ERRORS)) {
    const err = errorOf(status, code, 'why');
    assert.ok(err instanceof ProofMarketError && err instanceof Error);
    assert.equal(err.constructor, family[status] ?? ProofMarketError, `${code} (${status})`);
    assert.deepEqual([err.status, err.code, err.message, err.hint], [status, code, 'why', hint]);
  }
  // a code this SDK does not know (a newer coordinator's, or a proxy's page): the status's class, no hint
  const proxy = errorOf(502, 'http_502', 'Bad Gateway');
  assert.ok(proxy instanceof UnavailableError);
  assert.equal(proxy.hint, undefined);
  assert.equal(errorOf(418, 'teapot', 'short and stout').constructor, ProofMarketError);
});

test('the CLI finds the hint of a refusal line, and only of one', () => {
  assert.equal(refusalHint('insufficient_funds: the balance of 0xab… is 0, the request needs 100'), ERRORS.insufficient_funds.hint);
  assert.equal(refusalHint('not_a_code: something'), undefined);
  assert.equal(refusalHint('--limit must be between 1 and 1000, got 0'), undefined);
  assert.equal(refusalHint('cannot reach the coordinator at http://127.0.0.1:1: connect ECONNREFUSED'), undefined);
});
