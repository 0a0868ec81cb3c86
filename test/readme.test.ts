// The README's by-hand walkthrough, run as written (only the port differs): it must keep working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli, waitForOutput } from './support/process.ts';

const ROOT = new URL('..', import.meta.url).pathname;

/** The ```sh blocks of one README section. */
function shellBlocks(section: string): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`## ${section}`);
  assert.ok(start >= 0, `README has a section "${section}"`);
  const end = readme.indexOf('\n## ', start + 3);
  const body = readme.slice(start, end === -1 ? undefined : end);
  return [...body.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

test('README: the seed API by hand against a running demo — junk proof Fails, a real proof Passes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pm-readme-'));
  const demo = spawnCli(['demo', '--requests', '3', '--port', '0', '--data-dir', join(dir, 'demo')]);
  t.after(async () => {
    await demo.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const [, url] = await waitForOutput(demo, /coordinator keeps serving: API at (http:\/\/\S+?),/, 240_000);
  const coordinator = { url: url! };
  const blocks = shellBlocks('Try the seed API by hand');
  assert.equal(blocks.length, 2);
  // Run in a scratch directory, so task.json and result.json stay out of the repo; there `npx` cannot see
  // the package's own bin, so it is called by path (which also tests bin/proofmarket.js).
  const run = (script: string) =>
    execFileSync('bash', ['-euo', 'pipefail', '-c', script.replaceAll('http://localhost:8080', coordinator.url).replaceAll('npx proofmarket', `node ${join(ROOT, 'bin/proofmarket.js')}`)], {
      cwd: dir,
      // the README's commands assume port 8080; here the coordinator listens elsewhere
      env: { ...process.env, PROOFMARKET_URL: coordinator.url },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  // One command per line; their outputs have no trailing newline, so each is run on its own.
  const lines = (block: string) => block.trim().split('\n').map((line) => run(line).trim());
  const first = lines(blocks[0]!);
  assert.equal(first[0], '"550e8400-e29b-41d4-a716-446655440000"');
  assert.equal(first[1], '"660e8400-e29b-41d4-a716-446655440001"');
  assert.equal(JSON.parse(first[2]!).task_id, '660e8400-e29b-41d4-a716-446655440001');
  assert.equal(JSON.parse(first[3]!).verification_result, 'Fail');
  assert.equal(JSON.parse(first[4]!).status, 'pending');

  const second = lines(blocks[1]!);
  const verdict = JSON.parse(second.at(-2)!);
  assert.equal(verdict.verification_result, 'Pass');
  assert.equal(verdict.accepted, true);
  const status = JSON.parse(second.at(-1)!);
  assert.equal(status.status, 'completed');
  assert.deepEqual(status.history.map((h: { cause: string }) => h.cause), ['submitted', 'assigned', 'proof_rejected', 'assigned', 'proof_verified']);
});
