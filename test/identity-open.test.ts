// `serve --open` (unsigned calls accepted) only on a loopback interface.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { configFromFlags, isLoopbackHost } from '../src/cli/commands/serve.ts';
import { CliError } from '../src/cli/errors.ts';
import { DEFAULT_CONFIG } from '../src/coordinator/config.ts';

test('--open is refused unless the host is loopback; closed is the default', () => {
  for (const host of ['127.0.0.1', '::1', '[::1]', 'localhost', 'LOCALHOST', '127.0.0.2']) {
    assert.ok(isLoopbackHost(host), host);
    assert.equal(configFromFlags({ open: true, host }).open, true, host);
  }
  assert.equal(configFromFlags({ open: true }).open, true, 'the default host is loopback');
  for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com', '127.0.0.1.example.com', 'localhost.evil']) {
    assert.equal(isLoopbackHost(host), false, host);
    assert.throws(() => configFromFlags({ open: true, host }), (e: unknown) => e instanceof CliError && e.exitCode === 2 && /--open .* refused on --host/.test(e.message), host);
  }
  assert.equal(configFromFlags({ host: '0.0.0.0' }).open, undefined);
  assert.equal(DEFAULT_CONFIG.open, false);
  assert.equal(DEFAULT_CONFIG.authWindowMs, 300_000);
  assert.equal(configFromFlags({ 'auth-window': '60' }).authWindowMs, 60_000);
});

test('proofmarket serve --open --host 0.0.0.0 exits 2 with one line, before binding anything', async () => {
  const main = new URL('../src/cli/main.ts', import.meta.url).pathname;
  const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', main, 'serve', '--open', '--host', '0.0.0.0', '--port', '0'], (err, _out, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^error: invalid_option: --open accepts unsigned calls, so it is refused on --host 0\.0\.0\.0/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});
