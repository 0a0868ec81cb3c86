// The money commands of the CLI as real processes against a live, signed coordinator (not --open, with an
// operator): deposit, balance, stake, submitters, unstake, withdraw, cancel with its refund, the operator's
// commands, and the error paths (one line, the documented exit code). Usage errors run in process.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startCoordinator, type Coordinator } from '../src/coordinator/coordinator.ts';
import { ProofMarketClient } from '../src/sdk/client.ts';
import { keyFileOf, writeKeyFile } from '../src/cli/keys.ts';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { CliError } from '../src/cli/errors.ts';

const BIN = new URL('../bin/proofmarket.js', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'pm-cli-money-'));
const home = join(tmp, 'home'); // PROOFMARKET_HOME: the owner's key is made here by `keys new`
const operatorKey = keyFileOf(`0x${randomBytes(32).toString('hex')}`);
const operatorFile = join(tmp, 'operator.json');
const submitterKey = keyFileOf(`0x${randomBytes(32).toString('hex')}`);
const submitterFile = join(tmp, 'submitter.json');
const strangerKey = keyFileOf(`0x${randomBytes(32).toString('hex')}`);
const strangerFile = join(tmp, 'stranger.json');
const P = 'money_prover';

let c: Coordinator;
let pm: ProofMarketClient;
let programId: string;
let owner: string; // the address `keys new` made

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `proofmarket <args>` through the published bin, against the signed coordinator. */
function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const e: Record<string, string | undefined> = { ...process.env, PROOFMARKET_URL: c.url, PROOFMARKET_HOME: home, ...env };
  delete e.PROOFMARKET_KEY;
  delete e.PROOFMARKET_REQUESTER;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: tmp, env: e, timeout: 60_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? (((err as { code?: unknown }).code as number | null) ?? null) : 0, stdout, stderr });
    });
  });
}

const show = (args: string[], r: Run) => `proofmarket ${args.join(' ')}\nexit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
async function ok(args: string[], env?: Record<string, string>): Promise<Run> {
  const r = await cli(args, env);
  assert.equal(r.code, 0, show(args, r));
  return r;
}
async function json(args: string[], env?: Record<string, string>): Promise<any> {
  const r = await ok([...args, '--json'], env);
  return JSON.parse(r.stdout);
}
/** Failed with exactly one line on stderr, nothing on stdout. */
function failed(args: string[], r: Run, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, show(args, r));
  assert.equal(r.stdout, '', show(args, r));
  assert.match(r.stderr, /^[^\n]+\n$/, `one line on stderr\n${show(args, r)}`);
  assert.match(r.stderr, pattern, show(args, r));
}

before(async () => {
  mkdirSync(home, { recursive: true });
  writeKeyFile(operatorFile, operatorKey);
  writeKeyFile(submitterFile, submitterKey);
  writeKeyFile(strangerFile, strangerKey);
  writeFileSync(join(tmp, 'input.bin'), JSON.stringify({ value: '42', min: '18', max: '150' }));
  c = await startCoordinator({
    host: '127.0.0.1', port: 0, dataDir: 'memory://', logLevel: 'silent', verifierThreads: 1,
    open: false, operatorAddress: operatorKey.address, heartbeatTimeoutMs: 600_000,
  });
  pm = new ProofMarketClient({ baseUrl: c.url! });
  programId = (await pm.listPrograms()).find((p) => p.name === 'range-proof' && p.proof_system === 'groth16')!.program_id;
});

after(async () => {
  await c?.close();
  await terminateCurves();
  rmSync(tmp, { recursive: true, force: true });
});

test('deposit → balance → register → stake → submitters → unstake → withdraw → request and cancel, all signed', async () => {
  // a key made by the CLI itself, in PROOFMARKET_HOME: every later command signs with it by default
  const made = await ok(['keys', 'new']);
  owner = made.stdout.trim();
  assert.match(owner, /^0x[0-9a-f]{40}$/);
  assert.equal(statSync(join(home, 'key.json')).mode & 0o777, 0o600);
  assert.equal(JSON.parse(readFileSync(join(home, 'key.json'), 'utf8')).address, owner);

  const dep = await json(['deposit', '5000000']);
  assert.equal(dep.address, owner);
  assert.equal(dep.balance, '5000000');
  const bal = await json(['balance']);
  assert.deepEqual([bal.address, bal.balance, bal.provers], [owner, '5000000', []]);
  assert.ok(bal.entries.some((e: { kind: string; amount: string }) => e.kind === 'deposit' && e.amount === '5000000'), JSON.stringify(bal.entries));

  // a prover of the key's (the signer owns what it registers), with stake from the owner's balance
  await ok(['register', '--id', P, '--name', 'Money Prover', '--backends', 'groth16']);
  const staked = await json(['stake', '2000000', '--prover-id', P]);
  assert.deepEqual([staked.prover_id, staked.stake, staked.locked, staked.unstaking], [P, '2000000', '0', '0']);

  // independent of each other: the balance with the stake, the stake view, the submitter's consent (its own key)
  const [withStake, stakeText, consent] = await Promise.all([
    ok(['balance']),
    json(['stake', '--prover-id', P]),
    json(['submitters', 'consent', '--prover-id', P, '--key', submitterFile]),
  ]);
  assert.match(withStake.stdout, new RegExp(`^${owner}  balance 3,000,000\\n\\nprover +stake +locked +unstaking +earnings\\n${P} +2,000,000 +0 +0 +0\\n$`));
  assert.deepEqual([stakeText.stake, stakeText.locks, stakeText.unstakes], ['2000000', [], []]);
  assert.deepEqual([consent.address, consent.state, consent.authorized_at], [submitterKey.address, 'consented', null]);

  const added = await json(['submitters', 'add', submitterKey.address, '--prover-id', P]);
  assert.deepEqual([added.address, added.state], [submitterKey.address, 'active']);

  const unstakeArgs = ['unstake', '500000', '--prover-id', P];
  const [list, unstaked] = await Promise.all([json(['submitters', 'list', '--prover-id', P]), ok(unstakeArgs)]);
  assert.deepEqual(list.map((s: { address: string; state: string }) => [s.address, s.state]), [[submitterKey.address, 'active']]);
  // the text says when the unstaked amount becomes available: after the default delay of 24 h
  const m = /^unstaking 500,000 from money_prover: available at (\S+) \(in 24 h\); slashable until then/.exec(unstaked.stdout);
  assert.ok(m, show(unstakeArgs, unstaked));
  assert.ok(Math.abs(Date.parse(m[1]!) - (Date.now() + 86_400_000)) < 60_000, m[1]);

  // the submitter revokes itself; the owner withdraws from its balance
  const [removed, withdrawn] = await Promise.all([
    json(['submitters', 'remove', submitterKey.address, '--prover-id', P, '--key', submitterFile]),
    json(['withdraw', '1000000']),
  ]);
  assert.deepEqual([removed.state, removed.revoked_by], ['revoked', submitterKey.address]);
  assert.equal(withdrawn.balance, '2000000');
  assert.deepEqual((await pm.listSubmitters(P)).map((s) => s.state), ['revoked']);
  const stake = await pm.stakeOf(P);
  assert.deepEqual([stake.stake, stake.unstaking, stake.unstakes.length, stake.unstakes[0]!.state], ['1500000', '500000', 1, 'pending']);

  // a request escrows its max price; cancelling it refunds all of it
  const req = await json(['request', '--program-id', programId, '--input-data', 'input.bin', '--backend', 'groth16', '--max-price', '750000']);
  assert.equal(req.requester, owner);
  assert.equal((await pm.account(owner)).balance, '1250000', 'the max price is escrowed');
  const cancelled = await json(['cancel', req.request_id]);
  assert.deepEqual([cancelled.request_id, cancelled.status, cancelled.refunded, cancelled.refunded_to], [req.request_id, 'failed', '750000', owner]);
  assert.ok(cancelled.ledger.some((mv: { kind: string }) => mv.kind === 'refund'));
  const after = await json(['balance', owner]);
  assert.equal(after.balance, '2000000', 'the refund is back in the balance');
  assert.deepEqual(after.provers.map((p: any) => [p.prover_id, p.stake, p.locked, p.unstaking, p.earnings]), [[P, '1500000', '0', '500000', '0']]);
  assert.equal((await pm.ledgerAudit()).ok, true);
});

test('error paths: one line each, with the documented exit code', async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const deadPort = (closed.address() as { port: number }).port;
  await new Promise((r) => closed.close(r));

  const pending = await pm.listTasks({ status: 'pending' });
  const cases: Array<[string[], number, RegExp]> = [
    // more than there is: 402 insufficient_funds, nothing moves
    [['withdraw', '999999999999'], 1, /^error: insufficient_funds: /],
    [['request', '--program-id', programId, '--input-data', 'input.bin', '--backend', 'groth16', '--max-price', '999999999999'], 1, /^error: insufficient_funds: /],
    [['withdraw', '1', '--prover-id', P], 1, /^error: insufficient_funds: /], // no earnings yet
    [['unstake', '999999999', '--prover-id', P], 1, /^error: insufficient_funds: /],
    // someone else's prover, an address that never consented
    [['stake', '10', '--prover-id', P, '--key', strangerFile], 1, /^error: not_owner: /],
    [['submitters', 'add', strangerKey.address, '--prover-id', P], 1, /^error: submitter_not_consented: /],
    // the faucet is dev mode only: signed, or unsigned, on a signed coordinator
    [['faucet', '100', '--key', strangerFile], 1, /^error: faucet_closed: .*not in dev mode .*proofmarket deposit <amount>\n$/],
    [['faucet', '100', '--key', join(tmp, 'none.json')], 5, /^error: bad_key_file: no key file at /],
    // the operator's acts: refused to others
    [['suspend', '--prover-id', P, '--reason', 'testing the refusal'], 1, /^error: operator_only: /],
    [['slash', 'reverse', '1', '--reason', 'no such slash', '--key', operatorFile], 1, /^error: slash_not_found: /],
    // a bad amount through the real binary (the rest run in process below)
    [['deposit', '1.5'], 2, /^error: bad_usage: <amount> must be a whole number of base units, at least 1 \(such as 1000000\), got "1\.5"\n$/],
    // no coordinator
    [['balance', '--coordinator', `http://127.0.0.1:${deadPort}`], 3, /^error: coordinator_unreachable: cannot reach the coordinator at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/],
  ];
  // four at a time: the machine has two cores, more only queue behind tsx's start-up
  const runs: Run[] = new Array(cases.length);
  let next = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < cases.length) {
      const i = next++;
      runs[i] = await cli(cases[i]![0]);
    }
  }));
  cases.forEach(([args, code, pattern], i) => failed(args, runs[i]!, code, pattern));
  assert.deepEqual(await pm.listTasks({ status: 'pending' }), pending, 'a refused request creates nothing');

  // the operator's own key may: suspend, reinstate, list slashes
  const [suspended, slashes] = await Promise.all([json(['suspend', '--prover-id', P, '--reason', 'checking the CLI', '--key', operatorFile]), json(['slashes', '--prover-id', P])]);
  assert.deepEqual([suspended.prover_id, suspended.status, suspended.suspended_reason], [P, 'suspended', 'checking the CLI']);
  assert.deepEqual(slashes, []);
  const reinstated = await json(['reinstate', '--prover-id', P, '--reason', 'checked', '--key', operatorFile]);
  assert.equal(reinstated.suspended_reason, null);
  assert.deepEqual((await pm.auditLog()).map((e) => e.action).sort(), ['reinstate_prover', 'suspend_prover']);

  // usage errors in process (exit 2, one line, nothing sent)
  const usageCases: Array<[string[], RegExp, number?]> = [
    [['deposit', '-3'], /got "-3"/],
    [['deposit', 'abc'], /got "abc"/],
    [['deposit', '0'], /at least 1/],
    [['deposit'], /expected <amount>/],
    [['deposit', '1', '2'], /got also "2"/],
    [['withdraw', '1.5'], /got "1\.5"/],
    [['withdraw', '10', '--prover-id', 'bad id!'], /--prover-id must be an id/],
    [['faucet', '1e6'], /got "1e6"/],
    [['stake', '-3', '--prover-id', P], /got "-3"/],
    [['stake', 'abc', '--prover-id', P], /got "abc"/],
    [['stake', '100'], /--prover-id is required/],
    [['unstake', '1.5', '--prover-id', P], /got "1\.5"/],
    [['unstake', '--prover-id', P], /expected <amount>/],
    [['balance', '0x123'], /an address is 0x \+ 40 hex digits/],
    [['cancel'], /expected <request_id>/],
    [['submitters'], /expected consent, add <address>, remove <address> or list/],
    [['submitters', 'add', 'not-an-address', '--prover-id', P], /<address> must be an EVM address/],
    [['submitters', 'list'], /--prover-id is required/],
    [['submitters', 'consent', '--prover-id', P, '--coordinator', `http://127.0.0.1:${deadPort}`, '--key', join(tmp, 'none.json')], /no key file at/, 5], // the key class
    [['suspend', '--prover-id', P], /--reason is required/],
    [['suspend', '--prover-id', P, '--reason', 'x'], /--reason must be 3 to 1000 characters/],
    [['slash', 'reverse', 'abc', '--reason', 'because'], /a slash id is a number/],
    [['slash', 'undo', '1'], /unknown subcommand "undo"/],
    [['slashes', '--prover-id', 'bad id!'], /--prover-id must be an id/],
  ];
  for (const [[command, ...args], pattern, exit = 2] of usageCases) {
    const mod = (await import(`../src/cli/commands/${command}.ts`)) as { run(argv: string[]): Promise<void> };
    await assert.rejects(mod.run(args), (err: unknown) => {
      const what = `proofmarket ${command} ${args.join(' ')}`;
      assert.ok(err instanceof CliError, `${what}: ${String(err)}`);
      assert.equal(err.exitCode, exit, `${what}: ${err.message}`);
      assert.match(err.message, pattern, what);
      assert.match(err.message, /^[^\n]+$/, 'one line');
      return true;
    });
  }
});

test('--help on every money command, with an example; the top-level help lists them', async () => {
  const commands = ['cancel', 'deposit', 'withdraw', 'balance', 'faucet', 'stake', 'unstake', 'submitters', 'suspend', 'reinstate', 'slashes', 'slash'];
  for (const name of commands) {
    const { help } = (await import(`../src/cli/commands/${name}.ts`)) as { help: string };
    assert.match(help, new RegExp(`^proofmarket ${name} — `));
    assert.match(help, /Global options:\n {2}--coordinator URL/);
    assert.match(help, new RegExp(`Examples?:\\n {2}proofmarket ${name}\\b`));
  }
  const [one, top] = await Promise.all([cli(['balance', '--help']), cli(['--help'])]);
  assert.match(one.stdout, /^proofmarket balance — /);
  for (const name of commands) assert.match(top.stdout, new RegExp(`\\n {2}${name} +\\S`));
});
