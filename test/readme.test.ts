// The README, run as written: every ```sh block of "Try the seed API by hand" and "Command line", in order, as a
// user types them, in a fresh directory with a fresh home and a fresh coordinator. The conventions (what differs
// from a user's terminal, placeholders, expected output) are in the README's Tests section.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fillPlaceholders, jsonOf, shows, showsInOrder, walkthrough, type WalkCommand } from './support/readme-walk.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const SECTIONS = ['Try the seed API by hand', 'Command line'];
/** The address the README's commands use; the test's coordinator listens on a port of its own. */
const README_URLS = /http:\/\/(?:localhost|127\.0\.0\.1):8080/g;

interface Ran {
  command: WalkCommand;
  /** As run: placeholders filled, addresses rewritten. */
  typed: string;
  stdout: string;
  stderr: string;
  ms: number;
}

/** A shell with the user's fresh environment: HOME, PATH with `proofmarket`, no PROOFMARKET_* or DATABASE_URL inherited. */
function freshEnv(dir: string): NodeJS.ProcessEnv {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(join(ROOT, 'bin/proofmarket.js'), join(bin, 'proofmarket'));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PROOFMARKET_') && k !== 'DATABASE_URL') env[k] = v;
  mkdirSync(join(dir, 'home'));
  return { ...env, HOME: join(dir, 'home'), PATH: `${bin}:${process.env.PATH}`, NO_COLOR: '1' };
}

function runShell(script: string, cwd: string, env: NodeJS.ProcessEnv, background: boolean): { proc: ChildProcess; out: { stdout: string; stderr: string }; exited: Promise<number | null> } {
  // A background command is exec'd, so the process to stop at the end is the command itself.
  const proc = spawn('bash', ['-euo', 'pipefail', '-c', background ? `exec ${script}` : script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  proc.stdout!.on('data', (d) => (out.stdout += d));
  proc.stderr!.on('data', (d) => (out.stderr += d));
  const exited = once(proc, 'exit').then(([code]) => code as number | null);
  return { proc, out, exited };
}

test('README: the seed API by hand and the Command line walkthrough, typed in order against a fresh coordinator', { timeout: 900_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pm-readme-'));
  const env = freshEnv(dir);
  const cwd = join(dir, 'work');
  mkdirSync(cwd);
  // As in a clone: the example files the walkthrough names (their links to circuits/ followed).
  cpSync(join(ROOT, 'examples'), join(cwd, 'examples'), { recursive: true, dereference: true });
  const background: Array<ReturnType<typeof runShell>> = [];
  t.after(async () => {
    // The prover node first (it says goodbye to the coordinator), then the coordinator.
    for (const b of background.reverse()) {
      if (b.proc.exitCode === null && b.proc.signalCode === null) b.proc.kill('SIGTERM');
      await b.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const startedAll = Date.now();
  const blocks = walkthrough(readFileSync(join(ROOT, 'README.md'), 'utf8'), SECTIONS);
  let url: string | undefined;
  const jsons: unknown[] = [];
  const ran: Ran[] = [];
  for (const block of blocks) {
    for (const command of block.commands) {
      const where = `README line ${command.line}: ${command.text}`;
      let typed = fillPlaceholders(command.text, jsons).replaceAll('npx proofmarket', 'proofmarket');
      if (url) typed = typed.replace(README_URLS, url);
      if (/^proofmarket serve\b/.test(typed)) typed += ` --port 0 --data-dir ${join(dir, 'coordinator')}`;
      const expect = command.expect?.replace(README_URLS, url ?? 'http://127.0.0.1:…');
      if (command.background) {
        const b = runShell(typed, cwd, env, true);
        background.push(b);
        const ready = expect ?? '';
        const until = Date.now() + 300_000;
        while (!shows(b.out.stdout + b.out.stderr, ready)) {
          if (b.proc.exitCode !== null || Date.now() > until) assert.fail(`${where}\nnever printed "${ready}":\n${b.out.stdout}${b.out.stderr}`);
          await new Promise((r) => setTimeout(r, 100));
        }
        const listening = /listening on (http:\/\/\S+)/.exec(b.out.stdout + b.out.stderr);
        if (listening && !url) {
          url = listening[1]!;
          env.PROOFMARKET_URL = url; // the README's commands rely on the default, http://127.0.0.1:8080
        }
        ran.push({ command, typed, ...b.out, ms: 0 });
        continue;
      }
      const started = Date.now();
      const r = runShell(typed, cwd, env, false);
      const code = await r.exited;
      const output = r.out.stdout + r.out.stderr;
      assert.equal(code, 0, `${where}\nexited ${code}:\n${output}`);
      if (expect !== undefined) assert.ok(shows(output, expect), `${where}\ndoes not show "${expect}":\n${output}`);
      const json = jsonOf(r.out.stdout);
      if (json !== undefined) jsons.push(json);
      ran.push({ command, typed, ...r.out, ms: Date.now() - started });
    }
    if (block.output) {
      const last = ran.at(-1)!;
      const missing = showsInOrder(last.stdout + last.stderr, block.output);
      assert.equal(missing, undefined, `README line ${last.command.line}: the output shown below it has "${missing}", not in:\n${last.stdout}${last.stderr}`);
    }
  }

  const slowest = [...ran].sort((a, b) => b.ms - a.ms).slice(0, 5);
  t.diagnostic(`${ran.length} commands in ${((Date.now() - startedAll) / 1000).toFixed(0)} s; slowest: ${slowest.map((r) => `${(r.ms / 1000).toFixed(1)} s ${r.typed.slice(0, 60)}`).join(' | ')}`);

  // The seed's flow, in detail: the junk proof Fails, the real one Passes, the history tells both.
  const curl = (fragment: string) => ran.filter((r) => r.typed.startsWith('curl') && r.typed.includes(fragment)).map((r) => r.stdout.trim());
  assert.equal(curl('/provers/register')[0], '"550e8400-e29b-41d4-a716-446655440000"');
  assert.equal(curl('/tasks -H')[0], '"660e8400-e29b-41d4-a716-446655440001"');
  assert.equal(JSON.parse(curl('-X GET')[0]!).task_id, '660e8400-e29b-41d4-a716-446655440001');
  const [junk, real] = curl('/tasks/result').map((s) => JSON.parse(s));
  assert.equal(junk.verification_result, 'Fail');
  assert.equal(real.verification_result, 'Pass');
  assert.equal(real.accepted, true);
  const [afterJunk, afterReal] = curl('/status').map((s) => JSON.parse(s));
  assert.equal(afterJunk.status, 'pending');
  assert.equal(afterReal.status, 'completed');
  assert.deepEqual(afterReal.history.map((h: { cause: string }) => h.cause), ['submitted', 'assigned', 'proof_rejected', 'assigned', 'proof_verified']);

  // Following a request prints each of its transitions once (issue #20: `status --watch` printed them twice: as
  // lines while watching and again in the final summary), in its lines and its summary together.
  const follows = ran.filter((r) => / --(watch|wait)\b/.test(r.typed));
  assert.ok(follows.length >= 3);
  for (const f of follows) {
    // `<id>  12:00:01  pending → assigned  …` while watching, `    12:00:01  pending → assigned  …` in a history
    const transitions = `${f.stdout}\n${f.stderr}`.split('\n').filter((l) => / → /.test(l)).map((l) => l.slice(Math.max(0, l.search(/\d\d:\d\d:\d\d /))));
    assert.equal(transitions.filter((l) => / → completed\s+proof_verified/.test(l)).length, 1, `${f.typed}\n${f.stdout}${f.stderr}`);
    assert.equal(new Set(transitions).size, transitions.length, `each transition once:\n${f.stdout}${f.stderr}`);
  }
});
