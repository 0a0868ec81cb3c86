// `proofmarket prover`: flags, environment and file, and how it fails (as a real process where it matters).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromArgs } from '../src/cli/commands/prover.ts';
import { CliError } from '../src/cli/errors.ts';
import { spawnSync } from 'node:child_process';

const MAIN = new URL('../src/cli/main.ts', import.meta.url).pathname;
/** Runs `proofmarket <args>` to its end (these commands exit on their own within seconds). */
const cli = (args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

const tmp = mkdtempSync(join(tmpdir(), 'pm-prover-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const usageError = (pattern: RegExp) => (e: unknown) => e instanceof CliError && e.exitCode === 2 && pattern.test(e.message);
/** A config file that is missing or not JSON: the file class (exit 4). */
const fileError = (pattern: RegExp) => (e: unknown) => e instanceof CliError && e.exitCode === 4 && pattern.test(e.message);

test('a JSON config file, overridden by env, overridden by flags', () => {
  const file = join(tmp, 'prover.json');
  writeFileSync(file, JSON.stringify({ max_concurrent_proofs: 2, supported_privacy_levels: [1, 2], coordinator_url: 'http://file:1', gpu_enabled: true }));
  const c = configFromArgs(
    { config: file, 'max-concurrent-proofs': '4', 'no-gpu-enabled': true },
    { PROOFMARKET_COORDINATOR_URL: 'http://env:2', PROOFMARKET_MAX_CONCURRENT_PROOFS: '3' },
  );
  assert.equal(c.max_concurrent_proofs, 4);
  assert.equal(c.coordinator_url, 'http://env:2');
  assert.deepEqual(c.supported_privacy_levels, [1, 2]);
  assert.equal(c.gpu_enabled, false);
  assert.equal(configFromArgs({}, { PROOFMARKET_CONFIG: file }).max_concurrent_proofs, 2);
});

test('config file problems are one-line usage errors', () => {
  assert.throws(() => configFromArgs({ config: join(tmp, 'missing.json') }, {}), fileError(/cannot read the config file .*missing\.json: no such file/));
  const broken = join(tmp, 'broken.json');
  writeFileSync(broken, '{"max_concurrent_proofs": ');
  assert.throws(() => configFromArgs({ config: broken }, {}), fileError(/broken\.json is not valid JSON/));
  assert.throws(() => configFromArgs({ config: join(tmp, 'prover.toml') }, {}), usageError(/TOML config files are not supported/));
  const typo = join(tmp, 'typo.json');
  writeFileSync(typo, '{"reward_adress": "0x"}');
  assert.throws(() => configFromArgs({ config: typo }, {}), usageError(/unknown option "reward_adress" in .*typo\.json/));
  assert.throws(() => configFromArgs({ 'gpu-enabled': true, 'no-gpu-enabled': true }, {}), usageError(/contradict/));
  assert.throws(() => configFromArgs({ 'supported-privacy-levels': '0-3' }, {}), usageError(/^--supported-privacy-levels must be privacy levels from 1 to 255/));
});

test('the process: invalid values exit 2 with one line; --gpu-enabled without a GPU exits 2 before contacting anyone', () => {
  const bad = cli(['prover', '--reward-address', '0xnope']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, 'error: invalid_option: --reward-address must be an EVM address (0x followed by 40 hex digits), got "0xnope"\n');

  // Nothing listens on port 9: the GPU check comes first, so it fails fast instead of waiting for a coordinator.
  const gpu = cli(['prover', '--gpu-enabled', '--coordinator-url', 'http://127.0.0.1:9', '--state-dir', join(tmp, 'gpu')]);
  assert.equal(gpu.code, 2);
  assert.match(gpu.stderr, /^error: no_gpu: gpu_enabled is set but no usable GPU was found .*set gpu_enabled to false to prove on the CPU\n$/);

  const help = cli(['prover', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--faulty-rate RATE/);
  assert.match(help.stdout, /Example:\n  proofmarket prover --coordinator-url/);
});
