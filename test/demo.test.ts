// `npm start -- --exit --requests 10`, word for word: the whole market with real proofs, then a summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';

const ROOT = new URL('..', import.meta.url).pathname;

test('npm start -- --exit --requests 10 completes its 10 tasks and 2 zkML requests with verified proofs and exits 0', async () => {
  const proc = spawn('npm', ['start', '--', '--exit', '--requests', '10'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const timer = setTimeout(() => proc.kill('SIGKILL'), 240_000);
  const [code] = await once(proc, 'exit');
  clearTimeout(timer);
  assert.equal(code, 0, out);
  // The 10 circuit requests asked for, plus the demo's 2 zkML model requests (--model-requests, default 2).
  assert.match(out, /tasks completed\s+12 of 12\n/, out);
  assert.match(out, /proofs verified\s+12 \(Pass\)/);
  assert.match(out, /zkML\s+2\/2 model inferences proved with ezkl/, out);
  assert.doesNotMatch(out, /was not written/, 'every settled request has its audit record');

  // One prover is faulty by default: every rejected proof is its own, and each task it spoiled was re-proved.
  const rejected = Number(/proofs rejected\s+(\d+)/.exec(out)?.[1]);
  const faulty = /Faulty Budget Prover\s+(\d+)\s+(\d+)/.exec(out);
  assert.ok(faulty, out);
  assert.equal(Number(faulty[2]), rejected, 'only the faulty prover had proofs rejected');
  if (rejected > 0) {
    const reproved = Number(/re-proved after a rejected proof \((\d+)\)/.exec(out)?.[1]);
    assert.ok(reproved >= 1 && reproved <= rejected, out);
  }
});
