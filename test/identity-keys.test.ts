// `proofmarket keys new|show|import`, run as the user would (a child process), with HOME in a temporary
// directory; and loadSigner, which the CLI's other commands use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recoverMessageAddress } from 'viem';
import { loadSigner } from '../src/cli/keys.ts';
import { AUTH_HEADERS, bodySha256, signingMessage } from '../src/domain/auth.ts';

const MAIN = new URL('../src/cli/main.ts', import.meta.url).pathname;
// anvil's account 1: a public test key
const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const ADDRESS = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function keys(home: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const clean = { ...process.env };
  delete clean.PROOFMARKET_KEY;
  delete clean.PROOFMARKET_HOME;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, 'keys', ...args], { env: { ...clean, HOME: home, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr: stderr.replace(/^npm warn.*\n/gm, '') });
    });
  });
}

const mode = (path: string) => statSync(path).mode & 0o777;

test('keys new writes ~/.proofmarket/key.json with mode 0600 in a 0700 directory; show prints the address only', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'pm-keys-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const made = await keys(home, ['new']);
  assert.equal(made.code, 0, made.stderr);
  const address = made.stdout.trim();
  assert.match(address, /^0x[0-9a-f]{40}$/);
  const file = join(home, '.proofmarket', 'key.json');
  assert.equal(mode(file), 0o600);
  assert.equal(mode(join(home, '.proofmarket')), 0o700);
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  assert.deepEqual(Object.keys(doc).sort(), ['address', 'private_key', 'version']);
  assert.equal(doc.version, 1);
  assert.equal(doc.address, address);
  assert.match(doc.private_key, /^0x[0-9a-f]{64}$/);

  const shown = await keys(home, ['show']);
  assert.equal(shown.code, 0, shown.stderr);
  assert.equal(shown.stdout, `${address}\n`);
  assert.ok(!shown.stdout.includes(doc.private_key.slice(2)) && !shown.stderr.includes(doc.private_key.slice(2)), 'show never prints the private key');
  const priv = await keys(home, ['show', '--private']);
  assert.equal(priv.stdout, `${address}\n${doc.private_key}\n`);

  // no silent overwrite
  const again = await keys(home, ['new']);
  assert.equal(again.code, 5);
  assert.match(again.stderr, /^error: key_file_exists: a key file already exists at .*key\.json .*--force/m);
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).private_key, doc.private_key);
  const forced = await keys(home, ['new', '--force']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.notEqual(forced.stdout.trim(), address);
  assert.equal(mode(file), 0o600);
});

test('keys import from an argument or a file, to --key FILE or $PROOFMARKET_KEY; loadSigner signs as that key', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'pm-keys-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const imported = await keys(home, ['import', KEY]);
  assert.equal(imported.code, 0, imported.stderr);
  assert.equal(imported.stdout.trim(), ADDRESS);

  const secret = join(home, 'secret.hex');
  writeFileSync(secret, `${KEY.slice(2).toUpperCase()}\n`, { mode: 0o600 });
  const other = join(home, 'elsewhere', 'prover-key.json');
  const fromFile = await keys(home, ['import', '--from-file', secret, '--key', other]);
  assert.equal(fromFile.code, 0, fromFile.stderr);
  assert.equal(fromFile.stdout.trim(), ADDRESS);
  assert.equal(mode(other), 0o600);
  assert.equal(JSON.parse(readFileSync(other, 'utf8')).private_key, KEY, 'stored as 0x + lower-case hex');
  const viaEnv = await keys(home, ['show'], { PROOFMARKET_KEY: other });
  assert.equal(viaEnv.stdout.trim(), ADDRESS);

  const signer = loadSigner(other);
  assert.equal(signer.address, ADDRESS);
  const h = await signer.sign({ method: 'POST', host: '127.0.0.1:7777', path: '/x', body: '{}' });
  const message = signingMessage({ method: 'POST', host: '127.0.0.1:7777', path: '/x', bodySha256: bodySha256('{}'), timestamp: Number(h[AUTH_HEADERS.timestamp]), nonce: h[AUTH_HEADERS.nonce]! });
  assert.equal((await recoverMessageAddress({ message, signature: h[AUTH_HEADERS.signature] as `0x${string}` })).toLowerCase(), ADDRESS);
});

test('keys: clear one-line errors and non-zero exits', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'pm-keys-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const cases: [string[], number, RegExp][] = [
    [['show'], 5, /no key file at .*key\.json; create one with proofmarket keys new/],
    [['import', '0x1234'], 5, /64 hex digits/],
    [['import', `0x${'0'.repeat(64)}`], 5, /not a valid secp256k1 private key/],
    [['import'], 2, /expected the private key/],
    [['import', KEY, '--from-file', 'x'], 2, /not both/],
    [['import', '--from-file', join(home, 'missing')], 4, /no file/],
    [['rotate'], 2, /unknown subcommand "rotate"/],
    [[], 2, /expected a subcommand/],
    [['show', '--force'], 2, /--force is for keys new\/import/],
    [['new', 'extra'], 2, /takes no arguments/],
  ];
  for (const [args, code, message] of cases) {
    const r = await keys(home, args);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
  }

  // a key file others can read is refused, by the command and by loadSigner
  assert.equal((await keys(home, ['import', KEY])).code, 0);
  const file = join(home, '.proofmarket', 'key.json');
  chmodSync(file, 0o644);
  const exposed = await keys(home, ['show']);
  assert.equal(exposed.code, 5);
  assert.match(exposed.stderr, /accessible by group or others \(mode 0644\).*chmod 600/);
  assert.throws(() => loadSigner(file), /chmod 600/);
  chmodSync(file, 0o600);
  // tampered: the address does not match the key
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(file, JSON.stringify({ ...doc, address: '0x' + '1'.repeat(40) }), { mode: 0o600 });
  const inconsistent = await keys(home, ['show']);
  assert.equal(inconsistent.code, 5);
  assert.match(inconsistent.stderr, /inconsistent/);
  writeFileSync(file, 'not json', { mode: 0o600 });
  assert.match((await keys(home, ['show'])).stderr, /not a proofmarket key file/);
});
