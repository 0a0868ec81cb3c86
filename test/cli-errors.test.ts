// Every error a user can cause, one line (issue #20 part 2): a table of (argv, setup) → the one stderr line
// `error: <code>: …` and the exit code of its class, run as real processes against a real coordinator (serve
// --open --port 0), a closed port, missing and malformed files; --debug adds the stack. The README's exit-code
// table is checked against src/cli/errors.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, EXIT_CODES_OF } from '../src/cli/errors.ts';
import { ProofMarketClient } from '../src/sdk/client.ts';
import { spawnCli, waitForOutput, type CliProcess } from './support/process.ts';

const BIN = new URL('../bin/proofmarket.js', import.meta.url).pathname; // the published bin: tsx resolves from there, not from the cwd
const README = new URL('../README.md', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'pm-cli-errors-'));
let server: CliProcess | undefined;
let coordinator: { url: string } | undefined;
let closedPort: number;
let programId: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const full: Record<string, string | undefined> = { ...process.env, PROOFMARKET_URL: coordinator!.url, PROOFMARKET_HOME: join(tmp, 'home'), ...env };
  delete full.PROOFMARKET_KEY;
  delete full.PROOFMARKET_DEBUG;
  if (env.PROOFMARKET_DEBUG) full.PROOFMARKET_DEBUG = env.PROOFMARKET_DEBUG;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: tmp, env: full, timeout: 180_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: unknown }).code as number | null ?? null) : 0, stdout, stderr });
    });
  });
}

/** At most `n` at once: the machine has two cores, more only queue behind tsx's start-up. */
async function pool<T>(n: number, jobs: Array<() => Promise<T>>): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, jobs.length) }, async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]!();
    }
  }));
  return out;
}

before(async () => {
  // As spawnCoordinator does, with a longer wait: a loaded machine takes more than its 30 s to start one.
  server = spawnCli(['serve', '--open', '--port', '0', '--log-level', 'warn', '--data-dir', join(tmp, 'db')], { PROOFMARKET_HOME: join(tmp, 'serve-home') });
  const [, url] = await waitForOutput(server, /listening on (http:\/\/[^\s]+)/, 180_000);
  coordinator = { url: url! };
  closedPort = await new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
  const programs = await new ProofMarketClient({ baseUrl: coordinator.url }).listPrograms();
  programId = programs.find((p) => p.name === 'range-proof' && p.proof_system === 'groth16')!.program_id;
  writeFileSync(join(tmp, 'input.json'), JSON.stringify({ value: '42', min: '18', max: '150' }));
  writeFileSync(join(tmp, 'broken.json'), '{"proof": [1, 2');
  writeFileSync(join(tmp, 'not-a-key.json'), 'not json', { mode: 0o600 });
  mkdirSync(join(tmp, 'home'), { recursive: true });
});

after(async () => {
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** Exactly one line on stderr, `error: <code>: …`, no stack, nothing on stdout; the class's exit code. */
function oneErrorLine(what: string, r: Run, exit: number, pattern: RegExp): void {
  const show = `${what}\nexit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
  assert.equal(r.code, exit, show);
  assert.match(r.stderr, /^error: [a-z][a-z0-9_]*: [^\n]+\n$/, show);
  assert.match(r.stderr, pattern, show);
  assert.doesNotMatch(r.stderr, /^\s+at /m, show);
  assert.equal(r.stdout, '', show);
}

test('each class of user error: one line `error: <code>: …` and its own exit code', { timeout: 900_000 }, async () => {
  const dead = `http://127.0.0.1:${closedPort}`;
  const port = new URL(coordinator!.url).port;
  const request = ['request', '--program-id', programId, '--backend', 'groth16'];
  // [argv, extra env, exit code, stderr pattern]
  const rows: Array<[string[], Record<string, string>, number, RegExp]> = [
    // a missing file, a bad path, a file that is not what it should be (4)
    [['prove', 'nope.json', '--prover-id', 'p1'], {}, EXIT.file, /^error: file_not_found: cannot read the task file nope\.json: no such file/],
    [[...request, '--input-data', 'missing.bin'], {}, EXIT.file, /^error: file_not_found: cannot read --input-data missing\.bin: no such file/],
    [['verify', join(tmp, 'broken.json'), '--program', 'range-proof'], {}, EXIT.file, /^error: invalid_file: the proof file .*broken\.json is not valid JSON/],
    [['stats', '--output', join(tmp, 'no', 'such', 'dir', 'stats.txt')], {}, EXIT.file, /^error: file_not_written: cannot write --output .*stats\.txt: no such directory/],
    // refused by the coordinator: the catalogue's code (1)
    [['status', 'no_such_request'], {}, EXIT.failed, /^error: request_not_found: no request with id "no_such_request"\n$/],
    // ... in user words, not ledger account ids
    [['withdraw', '999999'], { PROOFMARKET_REQUESTER: 'alice' }, EXIT.failed, /^error: insufficient_funds: not enough funds for this withdraw: it needs 999999 from the balance of alice\n$/],
    // no coordinator (3)
    [['balance', '--coordinator', dead], {}, EXIT.unreachable, /^error: coordinator_unreachable: cannot reach the coordinator at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/],
    [['stats', '--coordinator', dead], {}, EXIT.unreachable, /^error: coordinator_unreachable: /],
    [['post-job', '--image', 'alpine', '--cmd', 'true', '--price', '0.01', '--coordinator', dead], {}, EXIT.unreachable, /^error: coordinator_unreachable: /],
    // a wrong key file (5)
    [['balance', '--key', join(tmp, 'no-such-key.json')], {}, EXIT.key, /^error: bad_key_file: no key file at .*no-such-key\.json/],
    [['deposit', '100', '--key', join(tmp, 'not-a-key.json')], {}, EXIT.key, /^error: bad_key_file: the key file .*not-a-key\.json is not a proofmarket key file/],
    // a busy port (6): the coordinator's own
    [['serve', '--open', '--port', port, '--log-level', 'warn', '--data-dir', join(tmp, 'busy-db')], {}, EXIT.port, new RegExp(`^error: port_in_use: port ${port} on 127\\.0\\.0\\.1 is taken by another program: stop it, or pass another --port`)],
    // malformed flags and commands (2)
    [['stats', '--period', '2h'], {}, EXIT.usage, /^error: invalid_option: --period must be one of 1h, 24h, 7d, 30d, got "2h"\n$/],
    [['balance', '--colour'], {}, EXIT.usage, /^error: unknown_option: Unknown option '--colour'/],
    [['deposit', '1.5'], {}, EXIT.usage, /^error: bad_usage: <amount> must be a whole number of base units/],
    [['artifact', 'get', 'not-a-cid'], {}, EXIT.usage, /^error: bad_usage: "not-a-cid" is not a CID/],
    [['post-job', '--cmd', 'true', '--price', '1'], {}, EXIT.usage, /^error: missing_option: --image is required/],
    [['frobnicate'], {}, EXIT.usage, /^error: unknown_command: there is no command "frobnicate"; run proofmarket --help/],
    // a request that expires while followed (7): nobody may take it
    [[...request, '--input-data', 'input.json', '--max-price', '0', '--allow-list', 'nobody_here', '--deadline', '0.05', '--wait', '--quiet'], {}, EXIT.ended, /^error: request_(expired|failed): request \S+ (expired|failed)/],
  ];
  const runs = await pool(3, rows.map(([args, env]) => () => cli(args, env)));
  rows.forEach(([args, , exit, pattern], i) => oneErrorLine(`proofmarket ${args.join(' ')}`, runs[i]!, exit, pattern));

  // The expired request, asked for its proof: the same class.
  const id = /request (\S+) (?:expired|failed)/.exec(runs.at(-1)!.stderr)![1]!;
  oneErrorLine(`proofmarket proof ${id}`, await cli(['proof', id]), EXIT.ended, new RegExp(`^error: request_(expired|failed): request ${id} (expired|failed): it has no verified proof`));
});

test('--debug (or PROOFMARKET_DEBUG=1) adds the stack after the error line', { timeout: 300_000 }, async () => {
  const [flag, env] = await Promise.all([
    cli(['prove', 'nope.json', '--prover-id', 'p1', '--debug']),
    cli(['prove', 'nope.json', '--prover-id', 'p1'], { PROOFMARKET_DEBUG: '1' }),
  ]);
  for (const r of [flag, env]) {
    assert.equal(r.code, EXIT.file, r.stderr);
    const [first, ...rest] = r.stderr.trimEnd().split('\n');
    assert.match(first!, /^error: file_not_found: cannot read the task file nope\.json: no such file$/);
    assert.match(rest.join('\n'), /ENOENT[^\n]*\n\s+at /, 'the stack of the error under it');
  }
});

test('the README has one exit-code table: every class, its code, and its codes', () => {
  const readme = readFileSync(README, 'utf8');
  const rows = readme.split('\n').filter((l) => /^\| `?\d+`? \|/.test(l));
  for (const [cls, exit] of Object.entries(EXIT)) {
    const row = rows.find((l) => new RegExp(`^\\| \`?${exit}\`? \\|`).test(l));
    assert.ok(row, `README: no row for exit ${exit} (${cls})`);
    for (const code of EXIT_CODES_OF[cls as Exclude<keyof typeof EXIT, 'failed'>] ?? []) assert.ok(row.includes(code), `README: exit ${exit} row lacks ${code}`);
  }
  assert.ok(rows.some((l) => /^\| `?130`? \|/.test(l)), 'README: no row for Ctrl-C (130)');
});
