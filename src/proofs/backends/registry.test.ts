import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MarketError } from '../../domain/errors.ts';
import { findExecutable, loadBackends, SNARKJS_BACKENDS } from './registry.ts';

const root = mkdtempSync(join(tmpdir(), 'pm-registry-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Writes a definition file (and makes `scripts` under its folder, executable unless listed in `plain`). */
function defs(name: string, backends: unknown, scripts: string[] = [], plain: string[] = []): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const s of [...scripts, ...plain]) {
    mkdirSync(join(dir, s, '..'), { recursive: true });
    writeFileSync(join(dir, s), '#!/bin/sh\nexit 0\n');
    if (scripts.includes(s)) chmodSync(join(dir, s), 0o755);
  }
  const file = join(dir, 'backends.json');
  writeFileSync(file, JSON.stringify(backends));
  return file;
}

const def = (name: string, prove: string, verify: string, extra: Record<string, unknown> = {}) => ({
  name,
  description: `${name} backend`,
  prove: { command: prove, args: ['prove'] },
  verify: { command: verify, args: ['verify'] },
  install_hint: `install ${name}`,
  ...extra,
});

test('the default registry: snarkjs built-ins, snarkjs-cli installed (after npm ci), Pico not installed with its hint', () => {
  const r = loadBackends();
  assert.deepEqual(r.names(), ['groth16', 'plonk', 'fflonk', 'babybear', 'koalabear', 'snarkjs-cli']);
  for (const name of SNARKJS_BACKENDS) {
    assert.deepEqual({ ...r.get(name), description: '' }, { name, kind: 'snarkjs', installed: true, install_hint: null, description: '' });
    assert.equal(r.isSnarkjs(name), true);
    assert.equal(r.definition(name), undefined);
  }
  assert.deepEqual({ ...r.get('snarkjs-cli'), description: '' }, { name: 'snarkjs-cli', kind: 'external', installed: true, install_hint: null, description: '' });
  assert.equal(r.isSnarkjs('snarkjs-cli'), false);
  assert.equal(r.definition('snarkjs-cli')?.artifacts, 'snarkjs');
  for (const name of ['koalabear', 'babybear']) {
    const info = r.get(name)!;
    assert.equal(info.kind, 'external');
    assert.equal(info.installed, false, `${name}: Pico is not installed on this machine`);
    assert.match(info.install_hint!, /cargo \+nightly install --git https:\/\/github\.com\/brevis-network\/pico pico-cli/);
    assert.equal(r.canVerify(name), false);
    assert.equal(r.canProve(name), false, 'cargo-pico is not on PATH');
  }
  assert.deepEqual(r.definition('koalabear')?.prove.args, ['--field', 'kb']);
  assert.deepEqual(r.definition('babybear')?.prove.args, ['--field', 'bb']);
  assert.equal(r.get('nope'), undefined);
  assert.deepEqual(r.list().map((b) => b.name), r.names());
});

test('requireVerifier: silent for what can be verified, actionable 400s otherwise', () => {
  const r = loadBackends();
  r.requireVerifier('groth16');
  r.requireVerifier('snarkjs-cli');
  r.requireProver('snarkjs-cli');
  assert.throws(
    () => r.requireVerifier('koalabear'),
    (e: unknown) =>
      e instanceof MarketError && e.kind === 'invalid' && e.code === 'backend_not_installed' &&
      /verifier of backend "koalabear" is not installed here: pico-proofmarket-verify not found/.test(e.message) &&
      e.message.includes(r.definition('koalabear')!.install_hint),
  );
  assert.throws(() => r.requireProver('babybear'), (e: unknown) => e instanceof MarketError && e.code === 'backend_not_installed' && /cargo-pico not found/.test(e.message));
  assert.throws(
    () => r.requireVerifier('halo2'),
    (e: unknown) => e instanceof MarketError && e.kind === 'invalid' && e.code === 'unknown_backend' && /"halo2".*groth16, plonk, fflonk, babybear, koalabear, snarkjs-cli/.test(e.message),
  );
  assert.equal(r.unavailable('groth16', 'verify'), null);
});

test('installation: relative commands resolve against the definition file, bare names on PATH, requires and check count', () => {
  const file = defs('install', {
    backends: [
      def('here', './bin/prove.sh', './bin/verify.sh'),
      def('on-path', 'sh', 'sh'),
      def('half', './bin/prove.sh', './bin/missing.sh'),
      def('not-exec', './bin/prove.sh', './bin/plain.sh'),
      def('needs-more', 'sh', 'sh', { verify: { command: 'sh', args: [], requires: ['surely-not-a-command-pm'] } }),
      def('checked-bad', 'sh', 'sh', { check: { command: 'sh', args: ['-c', 'exit 3'] } }),
      def('checked-ok', 'sh', 'sh', { check: { command: 'sh', args: ['-c', 'exit 0'] } }),
    ],
  }, ['bin/prove.sh', 'bin/verify.sh'], ['bin/plain.sh']);
  const r = loadBackends({ files: [file], shippedDir: null });
  const installed = Object.fromEntries(r.list().map((b) => [b.name, b.installed]));
  assert.deepEqual(installed, {
    groth16: true, plonk: true, fflonk: true,
    'checked-bad': false, 'checked-ok': true, half: false, here: true, 'needs-more': false, 'not-exec': false, 'on-path': true,
  });
  assert.equal(r.command('here', 'prove')!.path, join(root, 'install', 'bin', 'prove.sh'));
  assert.equal(r.canProve('half'), true);
  assert.equal(r.canVerify('half'), false);
  assert.equal(r.get('half')!.install_hint, 'install half');
  assert.equal(r.get('here')!.install_hint, null);
  assert.match(r.unavailable('needs-more', 'verify')!, /surely-not-a-command-pm not found/);
  assert.match(r.unavailable('checked-bad', 'verify')!, /installation check failed \(sh -c exit 3 exited 3\)/);
  assert.match(r.unavailable('not-exec', 'verify')!, /\.\/bin\/plain\.sh not found/);
});

test('files resolve against cwd, may redefine a shipped backend, and bad files stop the load', () => {
  const override = defs('override', [def('koalabear', 'sh', 'sh')]);
  const r = loadBackends({ files: ['override/backends.json'], cwd: root });
  assert.equal(r.get('koalabear')!.installed, true);
  assert.equal(r.source('koalabear'), override);
  assert.equal(r.get('babybear')!.installed, false, 'the other shipped definitions stay');

  assert.throws(() => loadBackends({ files: [defs('groth', [def('groth16', 'sh', 'sh')])] }), /built-in snarkjs system/);
  assert.throws(() => loadBackends({ files: [defs('dup', [def('x', 'sh', 'sh'), def('x', 'sh', 'sh')])] }), /defined twice/);
  assert.throws(() => loadBackends({ files: [defs('badname', [def('Bad Name', 'sh', 'sh')])] }), /name must match/);
  assert.throws(() => loadBackends({ files: [defs('noargs', [{ ...def('x', 'sh', 'sh'), prove: { command: 'sh' } }])] }), /prove\.args/);
  assert.throws(() => loadBackends({ files: [defs('nohint', [{ ...def('x', 'sh', 'sh'), install_hint: '' }])] }), /install_hint/);
  const broken = join(root, 'broken.json');
  writeFileSync(broken, '{ not json');
  assert.throws(() => loadBackends({ files: [broken] }), (e: unknown) => e instanceof Error && e.message.includes(broken));
  assert.throws(() => loadBackends({ files: [join(root, 'absent.json')] }), /cannot read backend definitions/);
});

test('findExecutable: PATH lookup, absolute and relative paths, directories are not executables', () => {
  assert.match(findExecutable('sh', root) ?? '', /\/sh$/);
  assert.equal(findExecutable('sh', root, ''), null, 'an empty PATH finds nothing');
  assert.equal(findExecutable('/bin/sh', '/nowhere'), '/bin/sh');
  assert.equal(findExecutable('./', root), null);
  assert.equal(findExecutable('surely-not-a-command-pm', root), null);
});
