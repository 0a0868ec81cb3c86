// The user commands of the CLI as real processes against a live coordinator (in this process, on a socket):
// the seed commands word for word, the same requests on a built-in backend, --wait to a verified
// proof, offline verification, bids by hand, --json documents, and every error path (one line, an exit code).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import * as snarkjs from 'snarkjs';
import { startCoordinator, type Coordinator } from '../src/coordinator/coordinator.ts';
import { builtinArtifactUrl } from '../src/proofs/programs.ts';
import { ProofMarketClient } from '../src/sdk/client.ts';
import { keyFileOf, writeKeyFile } from '../src/cli/keys.ts';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { CliError, errorLine } from '../src/cli/errors.ts';
import { spawnCli, waitForOutput, type CliProcess } from './support/process.ts';
import { proveBuiltin } from './support/proofs.ts';
import { waitFor } from './support/wait.ts';

const BIN = new URL('../bin/proofmarket.js', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'pm-cli-commands-'));
const home = join(tmp, 'home');
const operatorKey = keyFileOf(`0x${randomBytes(32).toString('hex')}`);
const operatorKeyFile = join(tmp, 'operator.json');
const userKey = keyFileOf(`0x${randomBytes(32).toString('hex')}`);
const userKeyFile = join(tmp, 'user.json');

let a: Coordinator; // the market most commands talk to
let b: Coordinator; // a second, empty one: the issue registers my_prover twice with other settings
let pm: ProofMarketClient;
let node: CliProcess | undefined;
/** The uploaded program (a range-proof circuit with a proving key of its own) standing in for hash_abc123. */
let programId: string;
const files = { wasm: join(tmp, 'range.wasm'), zkey: join(tmp, 'range.zkey'), vkey: join(tmp, 'range.vkey.json') };

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `proofmarket <args>` through the published bin, in the scratch directory, talking to `a` unless told. */
function cli(args: string[], opts: { coordinator?: Coordinator; env?: Record<string, string> } = {}): Promise<Run> {
  const env: Record<string, string | undefined> = { ...process.env, PROOFMARKET_URL: (opts.coordinator ?? a).url, PROOFMARKET_HOME: home, ...opts.env };
  delete env.PROOFMARKET_KEY;
  delete env.PROOFMARKET_REQUESTER;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: tmp, env, timeout: 120_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: unknown }).code as number | null ?? null) : 0, stdout, stderr });
    });
  });
}

/** A seed command as the issue writes it: `proofmarket …` with double-quoted words. */
const words = (line: string) => [...line.replace(/^proofmarket /, '').matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);

/** Runs at most `n` at once (2 cores: more only queue up behind tsx's start-up). */
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

const show = (r: Run) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
function ok(r: Run): Run {
  assert.equal(r.code, 0, show(r));
  return r;
}
/** Failed with exactly one line on stderr and nothing on stdout. */
function failed(r: Run, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, show(r));
  assert.equal(r.stdout, '', show(r));
  assert.match(r.stderr, /^[^\n]+\n$/, `one line on stderr\n${show(r)}`);
  assert.match(r.stderr, pattern, show(r));
}
const json = (r: Run) => {
  ok(r);
  return JSON.parse(r.stdout) as any;
};
/** No redraws, no colour: what a pipe or a log file should get. */
const plain = (r: Run) => assert.ok(!/[\r\x1b]/.test(r.stdout + r.stderr), `no control characters in a pipe\n${show(r)}`);

before(async () => {
  mkdirSync(home, { recursive: true });
  writeKeyFile(operatorKeyFile, operatorKey);
  writeKeyFile(userKeyFile, userKey);
  writeFileSync(join(tmp, 'input.bin'), JSON.stringify({ value: '42', min: '18', max: '150' }));
  // A program of our own: the range-proof circuit with a fresh contribution to its proving key, so its
  // artifacts (and id) are not a built-in's.
  copyFileSync(builtinArtifactUrl('range-proof', 'groth16', 'wasm'), files.wasm);
  // (snarkjs's own API; the project's type declarations cover only what the product uses)
  const zKey = snarkjs.zKey as unknown as { contribute(oldZkey: string, newZkey: string, name: string, entropy: string): Promise<unknown> };
  await zKey.contribute(builtinArtifactUrl('range-proof', 'groth16', 'zkey').pathname, files.zkey, 'cli test', randomBytes(32).toString('hex'));
  writeFileSync(files.vkey, JSON.stringify(await snarkjs.zKey.exportVerificationKey(files.zkey)));
  // A built-in program's proof, made here: verify finds the key among the shipped programs by name or id.
  const builtin = await proveBuiltin('range-proof', 'groth16', { value: '7', min: '1', max: '9' });
  writeFileSync(join(tmp, 'builtin.json'), Buffer.from(builtin.bytes));
  const config = {
    host: '127.0.0.1', port: 0, dataDir: 'memory://', logLevel: 'silent' as const, verifierThreads: 1,
    open: true, operatorAddress: operatorKey.address, heartbeatTimeoutMs: 600_000,
  };
  [a, b] = await Promise.all([startCoordinator(config), startCoordinator(config)]);
  pm = new ProofMarketClient({ baseUrl: a.url! });
});

after(async () => {
  await node?.stop('SIGKILL');
  await Promise.all([a?.close(), b?.close()]);
  await terminateCurves();
  rmSync(tmp, { recursive: true, force: true });
});

test('the issue\'s commands word for word: register and provers work for Pico backends; request says what to install, and succeeds on groth16', async () => {
  const reg = json(await cli(['programs', 'register', '--name', 'cli-range', '--system', 'groth16', '--wasm', files.wasm, '--zkey', files.zkey, '--vkey', files.vkey, '--json']));
  assert.match(reg.program_id, /^[0-9a-f]{64}$/);
  assert.equal(reg.builtin, false);
  assert.equal(reg.input_encoding, 'json');
  programId = reg.program_id;

  const seed = (line: string) => words(line.replace('hash_abc123', programId));
  const [first, second, star] = await pool(3, [
    () => cli(seed('proofmarket register --id my_prover --name "Fast Prover Service" --backends koalabear,babybear')),
    () => cli(seed('proofmarket register --id my_prover --name "Fast Prover" --backends koalabear --base-price 1000000 --price-type per_proof'), { coordinator: b }),
    // a prover the second search finds: reputation is the operator's to seed, with its key
    () => cli(['register', '--id', 'pico_star', '--name', 'Pico Star', '--backends', 'koalabear', '--base-price', '1200000', '--reputation', '4.8', '--key', operatorKeyFile, '--json']),
  ]);
  assert.match(ok(first!).stdout, /^registered prover my_prover\n {2}name Fast Prover Service · backends koalabear, babybear · base price 0 \(per_proof\) · capacity 1 · privacy levels 1-255\n$/);
  assert.match(ok(second!).stdout, /^registered prover my_prover\n {2}name Fast Prover · backends koalabear · base price 1,000,000 \(per_proof\)/);
  plain(first!);
  const starProfile = json(star!);
  assert.equal(starProfile.reputation, 4.8);
  assert.deepEqual(starProfile.backends, ['koalabear']);

  const [listAll, listGood, listB, pico1, pico2, g1, g2, again] = await pool(4, [
    () => cli(seed('proofmarket provers --backend koalabear')),
    () => cli(seed('proofmarket provers --backend koalabear --max-price 1500000 --min-reputation 4.5')),
    () => cli(seed('proofmarket provers --backend koalabear'), { coordinator: b }),
    () => cli(seed('proofmarket request --program-id hash_abc123 --input-data input.bin --backend koalabear')),
    () => cli(seed('proofmarket request --program-id hash_abc123 --input-data input.bin --backend koalabear --priority high --max-price 2000000')),
    () => cli(seed('proofmarket request --program-id hash_abc123 --input-data input.bin --backend groth16')),
    () => cli(seed('proofmarket request --program-id hash_abc123 --input-data input.bin --backend groth16 --priority high --max-price 2000000')),
    // the same id with other settings is refused, in one line
    () => cli(['register', '--id', 'my_prover', '--name', 'Other', '--backends', 'koalabear']),
  ]);
  const rows = (r: Run) => ok(r).stdout.trim().split('\n');
  assert.match(rows(listAll!)[0]!, /^PROVER +NAME +BACKENDS +PRICE +TYPE +STATUS +LOAD +REPUTATION +RESPONSE$/);
  assert.deepEqual(rows(listAll!).slice(1).map((l) => l.split(/ {2,}/)[0]).sort(), ['my_prover', 'pico_star']);
  assert.match(rows(listAll!).find((l) => l.startsWith('my_prover'))!, /^my_prover +Fast Prover Service +koalabear,babybear +0 +per_proof +active +0\/1 +new +-$/);
  assert.deepEqual(rows(listGood!).slice(1).map((l) => l.split(/ {2,}/)[0]), ['pico_star']);
  assert.match(rows(listB!)[1]!, /^my_prover +Fast Prover +koalabear +1,000,000 +per_proof/);

  for (const r of [pico1!, pico2!]) {
    failed(r, 1, /^error: backend_not_installed: the verifier of backend "koalabear" is not installed here: pico-proofmarket-verify not found\. To install it: the Pico CLI: .*cargo \+nightly install .*pico-cli/);
  }
  failed(again!, 1, /^error: duplicate_prover_id: a prover with id "my_prover" is already registered with other settings\n$/);

  const idOf = (r: Run) => ok(r).stdout.match(/^request (\S+) submitted: pending\n/)![1]!;
  const [v1, v2] = await Promise.all([pm.getRequest(idOf(g1!)), pm.getRequest(idOf(g2!))]);
  assert.equal(v1.backend, 'groth16');
  assert.equal(v1.program_id, programId);
  assert.equal(v1.priority, 50);
  assert.match(g1!.stderr, /no --max-price given: offered \d+/);
  assert.equal(v2.priority, 75);
  assert.equal(v2.max_price, '2000000');
  assert.match(v1.requester, /^[A-Za-z0-9]/, 'a default requester without a key');
});

test('request --wait follows the request to its verified proof and saves it; proof and verify (offline) check it', async () => {
  node = spawnCli(['prover', '--coordinator-url', a.url!, '--node-id', 'cli_node', '--state-dir', join(tmp, 'node'), '--poll-interval', '0.2', '--heartbeat-interval', '0.5', '--no-bidding']);
  await waitForOutput(node, /registered at/, 60_000);

  const base = ['request', '--program-id', programId, '--input-data', 'input.bin', '--backend', 'groth16', '--max-price', '100', '--wait'];
  const [waited, waitedJson] = await Promise.all([cli([...base, '--out', 'waited.proof.json']), cli([...base, '--json'])]);
  assert.match(ok(waited).stdout, /^request \S+ completed by cli_node at 100; verified proof saved to waited\.proof\.json\n$/);
  assert.match(waited.stderr, /^request \S+ submitted: pending\n/);
  assert.match(waited.stderr, /new → pending {2}submitted\n/);
  assert.match(waited.stderr, /→ completed/);
  plain(waited);
  const saved = JSON.parse(readFileSync(join(tmp, 'waited.proof.json'), 'utf8'));
  assert.equal(saved.system, 'groth16');
  assert.deepEqual(saved.public_signals, ['18', '150']);
  assert.equal(saved.program_id, programId);
  assert.equal(saved.prover_id, 'cli_node');

  const done = json(waitedJson);
  assert.equal(done.status, 'completed');
  assert.equal(done.proof_file, `${done.request_id}.proof.json`);
  assert.ok(existsSync(join(tmp, done.proof_file)), 'saved under the default name');

  const builtinId = (await pm.listPrograms()).find((p) => p.name === 'range-proof' && p.proof_system === 'groth16')!.program_id;
  const tampered = { ...saved, public_signals: ['18', '151'] };
  writeFileSync(join(tmp, 'tampered.json'), JSON.stringify(tampered));

  const [proof, status, watch, byFile, offline, online, byName, byId, wrongSystem, bad] = await pool(4, [
    () => cli(['proof', done.request_id, '--out', 'p.json', '--json']),
    () => cli(['status', done.request_id, '--json']),
    () => cli(['status', done.request_id, '--watch']),
    () => cli(['verify', 'waited.proof.json', '--vkey', files.vkey]),
    () => cli(['verify', 'waited.proof.json', '--program', programId]),
    () => cli(['verify', 'waited.proof.json', '--program', programId, '--coordinator', a.url!, '--json']),
    () => cli(['verify', 'builtin.json', '--program', 'range-proof', '--json']),
    () => cli(['verify', 'builtin.json', '--program', builtinId]),
    () => cli(['verify', 'builtin.json', '--program', 'range-proof/plonk']),
    () => cli(['verify', 'tampered.json', '--vkey', files.vkey, '--json']),
  ]);
  const p = json(proof!);
  assert.equal(p.proof_file, 'p.json');
  assert.deepEqual(JSON.parse(readFileSync(join(tmp, 'p.json'), 'utf8')), JSON.parse(readFileSync(join(tmp, done.proof_file), 'utf8')), 'proof downloads the proof --wait saved');
  const s = json(status!);
  assert.equal(s.status, 'completed');
  assert.equal(s.assigned_prover, 'cli_node');
  assert.deepEqual(s.history.map((h: any) => h.to).slice(-1), ['completed']);
  assert.match(ok(watch!).stdout, /completed/);

  assert.match(ok(byFile!).stdout, /^valid: a groth16 proof under the verification key in \S+range\.vkey\.json\n {2}public signals: 18, 150\n$/);
  failed(offline!, 1, /^error: no_verification_key: program [0-9a-f]{64} is not built in, so its verification key is not on this machine: give it with --vkey FILE, or let verify download it \(checked against the program id\) with --coordinator URL\n$/);
  const fetched = json(online!);
  assert.deepEqual([fetched.valid, fetched.vkey_source, fetched.program_id], [true, 'coordinator', programId]);
  assert.match(online!.stderr, /not built in: fetching its verification key/);
  const named = json(byName!);
  assert.deepEqual([named.valid, named.vkey_source, named.program_id, named.public_signals], [true, 'builtin', builtinId, ['1', '9']]);
  assert.match(ok(byId!).stdout, /^valid: a groth16 proof for range-proof \([0-9a-f]{64}\), key from the built-in programs\n {2}public signals: 1, 9\n$/);
  assert.equal(wrongSystem!.code, 1, show(wrongSystem!));
  assert.match(wrongSystem!.stdout, /^invalid: the program is proved with plonk, but this is a groth16 proof\n$/);
  assert.equal(bad!.code, 1);
  const badDoc = JSON.parse(bad!.stdout);
  assert.equal(badDoc.valid, false);
  assert.match(badDoc.reason, /does not verify/);
  assert.match(bad!.stderr, /^error: proof_invalid: the proof is not valid: /);
});

test('a request that cannot finish: --wait exits 7 when it ends, Ctrl-C stops waiting and says how to resume, proof says why there is none', async () => {
  const base = ['request', '--program-id', programId, '--input-data', 'input.bin', '--backend', 'groth16', '--max-price', '100', '--allow-list', 'nobody_here'];
  const interrupted = spawn(process.execPath, [BIN, ...base, '--wait'], { cwd: tmp, env: { ...process.env, PROOFMARKET_URL: a.url!, PROOFMARKET_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  interrupted.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => interrupted.on('exit', (code) => resolve(code)));

  const [expiring] = await Promise.all([
    cli([...base, '--deadline', '0.05', '--wait']),
    (async () => {
      await waitFor('the request to be submitted', () => /submitted: pending/.test(err), 30_000);
      interrupted.kill('SIGINT');
    })(),
  ]);
  assert.equal(await exited, 130, err);
  const id = err.match(/^request (\S+) submitted/)![1]!;
  assert.match(err, new RegExp(`stopped waiting; request ${id} is still in the market\\. Resume with: proofmarket status ${id} --watch\\n$`));
  assert.equal((await pm.getRequest(id)).status, 'pending', 'the request stays in the market');

  assert.equal(expiring.code, 7, show(expiring));
  assert.match(expiring.stderr.trim().split('\n').at(-1)!, /^error: request_(failed|expired): request \S+ (failed|expired)/);
  failed(await cli(['proof', id]), 1, new RegExp(`^error: no_proof_yet: request ${id} is pending: it has no verified proof yet \\(follow it: proofmarket status ${id} --watch\\)\\n$`));
});

test('bids by hand: a weighted bid, a sealed commit revealed by a later invocation, a rising lock, a fixed take', async () => {
  ok(await cli(['register', '--id', 'bidder', '--backends', 'groth16', '--base-price', '10', '--capacity', '10', '--quiet']));
  const req = (extra: string[]) => cli(['request', '--program-id', programId, '--input-data', 'input.bin', '--backend', 'groth16', '--max-price', '1000', '--quiet', ...extra]);
  const [weighted, sealed, rising, fixed] = (await pool(4, [
    // windows long enough for a CLI process to start on a busy machine
    () => req(['--auction', 'weighted', '--bid-window-ms', '8000', '--price-weight', '1']),
    () => req(['--auction', 'sealed', '--bid-window-ms', '8000', '--reveal-window-ms', '60000']),
    () => req(['--auction', 'rising', '--min-price', '100', '--ramp-period-ms', '60000']),
    () => req(['--allow-list', 'bidder']),
  ])).map((r) => ok(r).stdout.trim());

  const [bid, commit, lock, take] = await pool(4, [
    () => cli(['bid', weighted!, '--prover-id', 'bidder', '--fee', '900', '--json']),
    () => cli(['bid', sealed!, '--prover-id', 'bidder', '--fee', '800', '--commit']),
    () => cli(['bid', rising!, '--prover-id', 'bidder', '--lock', '--json']),
    () => cli(['bid', fixed!, '--prover-id', 'bidder', '--fee', '1000']),
  ]);
  const bidDoc = json(bid!);
  assert.deepEqual([bidDoc.action, bidDoc.request_id, bidDoc.prover_id, bidDoc.accepted, bidDoc.phase, bidDoc.assigned], ['bid', weighted, 'bidder', true, 'bidding', false]);
  assert.match(ok(commit!).stdout, /^commit accepted \(auction phase bidding\)\n$/);
  assert.match(commit!.stderr, new RegExp(`reveal it between \\S+ and \\S+ with: proofmarket bid ${sealed} --reveal --prover-id bidder`));
  const state = join(home, 'bids', `${sealed}__bidder.json`);
  assert.equal(statSync(state).mode & 0o777, 0o600, 'the nonce is private');
  assert.equal(JSON.parse(readFileSync(state, 'utf8')).fee, '800');
  const locked = json(lock!);
  assert.equal(locked.assigned, true);
  assert.match(ok(take!).stdout, /^bid accepted \(auction phase closed\); bidder won the request at 1,000\n$/);

  const [again, early] = await Promise.all([
    cli(['bid', rising!, '--prover-id', 'bidder', '--lock']),
    cli(['bid', sealed!, '--prover-id', 'bidder', '--fee', '700', '--commit']),
  ]);
  failed(again, 1, /^error: (phase_closed|lock_held|duplicate_bid): /);
  failed(early, 1, /^error: already_committed: bidder already committed to a sealed bid for \S+ \(kept in .*\): reveal it with proofmarket bid \S+ --reveal --prover-id bidder\n$/);

  await waitFor('the sealed auction to reach its reveal phase', async () => (await pm.getAuction(sealed!)).phase === 'reveal', 20_000);
  const reveal = json(await cli(['bid', sealed!, '--reveal', '--json']));
  assert.deepEqual([reveal.action, reveal.prover_id, reveal.fee, reveal.accepted], ['reveal', 'bidder', '800', true]);
  assert.ok(!existsSync(state), 'the nonce is dropped once revealed');
  failed(await cli(['bid', sealed!, '--reveal']), 1, /^error: no_sealed_bid: no sealed bid for \S+ in .*bids: commit with --commit first/);

  await waitFor('the weighted auction to close', async () => (await pm.getRequest(weighted!)).status === 'assigned', 20_000);
  assert.equal((await pm.getRequest(weighted!)).assigned_prover, 'bidder');
});

test('subscribe, and --json documents of the listing commands', async () => {
  ok(await cli(['register', '--id', 'subs_prover', '--backends', 'groth16', '--price-type', 'subscription', '--base-price', '5000', '--subscription-quota', '10', '--quiet']));
  const [sub, notSub, programs, shown, tasks, provers, quietTasks, signed] = await pool(4, [
    () => cli(['subscribe', '--prover-id', 'subs_prover', '--period', 'annual', '--requester', 'alice', '--json']),
    () => cli(['subscribe', '--prover-id', 'my_prover', '--period', 'monthly']),
    () => cli(['programs', 'list', '--json']),
    () => cli(['programs', 'show', programId]),
    () => cli(['tasks', '--status', 'completed', '--limit', '5', '--json']),
    () => cli(['provers', '--status', 'active', '--sort', 'price', '--json']),
    () => cli(['tasks', '--limit', '1', '--quiet']),
    // with a key, the call is signed and the requester is the key's address
    () => cli(['request', '--program-id', programId, '--input-data', 'input.bin', '--backend', 'groth16', '--max-price', '0', '--allow-list', 'nobody_here', '--key', userKeyFile, '--json']),
  ]);
  assert.equal(json(signed!).requester, userKey.address);
  const s = json(sub!);
  assert.deepEqual([s.requester, s.prover_id, s.period, s.fee, s.quota], ['alice', 'subs_prover', 'annual', '60000', 120], '12 months of fee and quota');
  failed(notSub!, 1, /^error: prover_not_subscription: /);
  const list = json(programs!);
  assert.ok(list.some((p: any) => p.program_id === programId && p.name === 'cli-range'));
  assert.ok(list.some((p: any) => p.builtin && p.name === 'data-commitment'));
  assert.match(ok(shown!).stdout, new RegExp(`^${programId}\\n {2}name +cli-range\\n {2}system +groth16\\n`));
  const t = json(tasks!);
  assert.ok(t.length >= 2 && t.length <= 5 && t.every((x: any) => x.status === 'completed'));
  const prices = json(provers!).map((p: any) => BigInt(p.base_price));
  assert.deepEqual(prices, [...prices].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)), 'sorted by price');
  assert.match(ok(quietTasks!).stdout, /^TASK +STATUS/);
});

test('every error path: one line on stderr, nothing on stdout; exit 2 for usage, 1 for a refusal, 3 without a coordinator, 4 for a file, 5 for a key', async () => {
  const closed = await new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
  const input = join(tmp, 'input.bin');
  const r = (args: string[]) => ['request', '--program-id', programId, '--input-data', input, '--backend', 'groth16', ...args];
  // [argv, exit code, stderr, and whether to run it as a process]. Usage errors (2) are checked in process, by the
  // command's run() (that is what main prints as "proofmarket <command>: <message>"), but for a few that go the
  // whole way; refusals (1) and an unreachable coordinator (3) always run as processes.
  const cases: Array<[string[], number, RegExp, 'spawn'?]> = [
    // requests
    [['request', '--program-id', 'hash_abc123', '--input-data', input, '--backend', 'groth16'], 1, /^error: program_not_found: no program with id "hash_abc123"\n$/],
    [['request', '--program-id', programId, '--input-data', 'missing.bin', '--backend', 'groth16'], 4, /^error: file_not_found: cannot read --input-data missing\.bin: no such file\n$/, 'spawn'],
    [r(['--backend', 'nosuch']), 1, /^error: unknown_backend: unknown proof system "nosuch"; the known backends are groth16, plonk, fflonk/],
    [r(['--backend', 'plonk']), 1, /^error: backend_mismatch: program \S+ \(cli-range\) is proved with groth16, not plonk/],
    [r(['--backend', 'Groth 16']), 2, /^error: invalid_option: --backend must be a backend name/],
    [r(['--priority', 'asap']), 2, /^error: invalid_option: --priority must be one of low, normal, high, urgent, got "asap"\n$/, 'spawn'],
    [r(['--max-price', '1.5']), 2, /^error: invalid_option: --max-price must be an amount in base units/],
    [r(['--min-reputation', '7']), 2, /^error: invalid_option: --min-reputation must be stars from 0 to 5, got "7"\n$/],
    [r(['--deadline', '0']), 2, /^error: invalid_option: --deadline must be minutes from/],
    [r(['--auction', 'dutch']), 2, /^error: invalid_option: --auction must be one of fixed, weighted, sealed, rising, requester_choice, got "dutch"\n$/],
    [r(['--price-weight', '2']), 2, /^error: invalid_option: --price-weight is a parameter of weighted, requester_choice auctions: add --auction weighted\n$/],
    [r(['--auction', 'rising', '--reveal-window-ms', '10']), 2, /^error: invalid_option: --reveal-window-ms is a parameter of sealed auctions/],
    [r(['--auction', 'rising', '--min-price', '5000', '--max-price', '10']), 1, /^error: invalid_auction_terms: /],
    [r(['--out', 'x.json']), 2, /^error: invalid_option: --out saves the proof, which needs --wait/],
    [r(['--colour']), 2, /^error: unknown_option: Unknown option '--colour'/, 'spawn'],
    [['request', '--input-data', input], 2, /^error: missing_option: --program-id is required; see proofmarket request --help\n$/],
    [r(['--coordinator', 'ftp://example']), 2, /^error: invalid_option: --coordinator must be an http:\/\/ or https:\/\/ URL/],
    [r(['--coordinator', `http://127.0.0.1:${closed}`]), 3, /^error: coordinator_unreachable: cannot reach the coordinator at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/],
    [r(['--key', join(tmp, 'no-such-key.json')]), 5, /^error: bad_key_file: no key file at .*no-such-key\.json/],
    [r(['--requester', 'bad requester']), 2, /^error: invalid_option: --requester must be an id/],
    [r(['--requester', 'alice', '--key', userKeyFile]), 2, /^error: invalid_option: --requester alice is not the key's address 0x[0-9a-f]{40}: with a key, calls are made as its address/],
    // register and provers
    [['register', '--id', 'x', '--price-type', 'monthly'], 2, /^error: invalid_option: --price-type must be one of per_proof, subscription, auction, got "monthly"\n$/],
    [['register', '--id', 'x', '--backends', 'Koala Bear'], 2, /^error: invalid_option: --backends must be comma-separated backend names/],
    [['register', '--id', 'x', '--backends', 'nosuch'], 1, /^error: unknown_backend: unknown backend "nosuch"/],
    [['register', '--id', 'bad id'], 2, /^error: invalid_option: --id must be an id/],
    [['register', '--id', 'x', '--reputation', '4'], 1, /^error: operator_only: only the market operator \(0x[0-9a-f]{40}\) may seed a reputation/],
    [['register', '--id', 'x', '--privacy-levels', '0-3'], 2, /^error: invalid_option: --privacy-levels must be privacy levels from 1 to 255/],
    [['register', '--id', 'x', '--capacity', 'lots'], 2, /^error: invalid_option: --capacity must be an integer, got "lots"\n$/],
    [['register', '--id', 'x', '--subscription-quota', '5'], 2, /^error: invalid_option: --subscription-quota needs --price-type subscription\n$/],
    [['provers', '--sort', 'colour'], 2, /^error: invalid_option: --sort must be one of price, reputation, response_time, got "colour"\n$/],
    [['provers', '--status', 'sleeping'], 2, /^error: invalid_option: --status must be one of active, busy, offline/],
    [['provers', '--max-price', 'cheap'], 2, /^error: invalid_option: --max-price must be an amount/],
    [['provers', '--min-reputation', 'high'], 2, /^error: invalid_option: --min-reputation must be stars from 0 to 5/],
    // the rest
    [['status'], 2, /^error: bad_usage: expected <request_id>; see proofmarket status --help\n$/],
    [['status', 'no_such_request'], 1, /^error: request_not_found: no request with id "no_such_request"\n$/],
    [['proof', 'no_such_request'], 1, /^error: (request_not_found|task_not_found): /],
    [['verify', join(tmp, 'missing.json'), '--program', 'range-proof'], 4, /^error: file_not_found: cannot read the proof file .*missing\.json: no such file\n$/],
    [['verify', input, '--program', 'range-proof'], 4, /^error: invalid_file: .*input\.bin is not a proof file: /],
    [['verify', join(tmp, 'builtin.json'), '--program', 'no-such-circuit'], 2, /^error: invalid_option: --program no-such-circuit is neither a program id \(64 hex digits\) nor a built-in program/],
    [['programs'], 2, /^error: bad_usage: expected list, show <program_id> or register/],
    [['programs', 'frobnicate'], 2, /^error: bad_usage: unknown subcommand "frobnicate"/],
    [['programs', 'show', 'abc'], 2, /^error: bad_usage: a program id is 64 lower-case hex digits, got "abc"/],
    [['programs', 'show', 'a'.repeat(64)], 1, /^error: program_not_found: /],
    [['programs', 'register', '--name', 'x', '--system', 'groth16', '--wasm', join(tmp, 'nope.wasm'), '--vkey', files.vkey], 4, /^error: file_not_found: cannot read --wasm .*nope\.wasm: no such file\n$/],
    [['programs', 'register', '--name', 'x', '--system', 'groth16', '--wasm', files.wasm, '--zkey', files.zkey, '--vkey', builtinArtifactUrl('range-proof', 'groth16', 'vkey').pathname], 1, /^error: invalid_artifact: the verification key does not belong to the proving key/],
    [['programs', 'list', '--name', 'x'], 2, /^error: invalid_option: --name is an option of programs register\n$/],
    [['tasks', '--limit', '0'], 2, /^error: invalid_option: --limit must be between 1 and 1000, got 0\n$/],
    [['tasks', '--status', 'done'], 2, /^error: invalid_option: --status must be one of pending, assigned, in_progress, completed, failed/],
    [['bid', 'r1', '--reveal', '--fee', '3'], 2, /^error: invalid_option: --reveal sends the fee committed to; drop --fee\n$/],
    [['bid', 'r1', '--commit', '--lock', '--prover-id', 'p'], 2, /^error: invalid_option: --commit and --lock do not go together\n$/],
    [['bid', 'r1', '--prover-id', 'bidder'], 2, /^error: missing_option: --fee is required/],
    [['bid', 'no_such_request', '--prover-id', 'bidder', '--fee', '5'], 1, /^error: (request_not_found|auction_not_found): /],
    [['subscribe', '--prover-id', 'subs_prover', '--period', 'weekly'], 2, /^error: invalid_option: --period must be one of monthly, annual, got "weekly"\n$/],
    [['subscribe', '--period', 'monthly'], 2, /^error: missing_option: --prover-id is required/],
  ];
  const spawned = cases.filter(([, code, , how]) => code !== 2 || how === 'spawn');
  const runs = await pool(4, spawned.map(([args]) => () => cli(args)));
  spawned.forEach(([args, code, pattern], i) => {
    try {
      failed(runs[i]!, code, pattern);
    } catch (err) {
      (err as Error).message = `proofmarket ${args.join(' ')}\n${(err as Error).message}`;
      throw err;
    }
  });
  for (const [[command, ...args], code, pattern, how] of cases) {
    if (code !== 2 || how === 'spawn') continue;
    const mod = (await import(`../src/cli/commands/${command}.ts`)) as { run(argv: string[]): Promise<void> };
    await assert.rejects(mod.run(args), (err: unknown) => {
      assert.ok(err instanceof CliError, `proofmarket ${command} ${args.join(' ')}: ${String(err)}`);
      assert.equal(err.exitCode, 2, `proofmarket ${command} ${args.join(' ')}: ${err.message}`);
      assert.match(`${errorLine(err)}\n`, pattern);
      assert.match(err.message, /^[^\n]+$/, 'one line');
      return true;
    });
  }
  assert.ok(!existsSync(join(tmp, 'x.json')));
});

test('--help on every command, with an example', async () => {
  const commands = ['register', 'request', 'provers', 'status', 'proof', 'verify', 'programs', 'tasks', 'bid', 'subscribe'];
  for (const c of commands) {
    const { help } = (await import(`../src/cli/commands/${c}.ts`)) as { help: string };
    assert.match(help, new RegExp(`^proofmarket ${c} — `));
    assert.match(help, /Global options:\n {2}--coordinator URL/);
    assert.match(help, new RegExp(`Example:\\n {2}proofmarket ${c} `));
  }
  const [one, top] = await Promise.all([cli(['request', '--help']), cli(['--help'])]);
  assert.match(ok(one).stdout, /^proofmarket request — /);
  for (const c of commands) assert.match(ok(top).stdout, new RegExp(`\\n {2}${c} +\\S`));
});
