// A coordinator in chain mode (serve --chain-rpc) against a real anvil: balances only from chain events (the
// off-chain money routes refuse with 409 chain_mode), /healthz with the indexer's state, GET /v1/ledger/audit
// reconciling the mirror with the contracts, a coordinator restart crediting nothing twice, anvil stopped and
// started again (healthz says unreachable, then ok; nothing credited twice); and serve's chain flags.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keccak256, parseEther, toHex, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { ProofMarket } from '../contracts/artifacts/ProofMarket.ts';
import { startAnvil, type Anvil } from '../src/chain/anvil.ts';
import { anvilAccount, confirmed, publicClientFor, testClientFor, walletFor } from '../src/chain/client.ts';
import { writeDeploymentFile, type DeploymentFile } from '../src/chain/deployment-file.ts';
import { deployMarket } from '../src/chain/devnet.ts';
import { chainFromFlags } from '../src/cli/chain-flags.ts';
import { CliError } from '../src/cli/errors.ts';
import type { ChainConfig } from '../src/coordinator/config.ts';
import { chainAccounts } from '../src/domain/chain-mirror.ts';
import { balance } from '../src/store/ledger.ts';
import { anvilDevKeys } from '../src/chain/devnet.ts';
import { keyFileOf, writeKeyFile } from '../src/cli/keys.ts';
import { anvilSkip } from './support/chain.ts';
import { spawnCli, type CliProcess } from './support/process.ts';
import { testCoordinator, type TestCoordinator } from './support/coordinator.ts';

describe('coordinator with --chain-rpc on anvil', { skip: anvilSkip, timeout: 240_000 }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'pm-chain-serve-'));
  const state = join(tmp, 'anvil-state.json');
  const dataDir = join(tmp, 'db');
  let anvil: Anvil;
  let d: DeploymentFile;
  let chain: ChainConfig;
  let c: TestCoordinator | undefined;
  const user = anvilAccount(1);
  const deposit = async (eth: string) => {
    const wallet = walletFor(anvil.rpcUrl, user);
    const hash = await wallet.writeContract({ address: d.proof_market, abi: ProofMarket.abi, functionName: 'deposit', value: parseEther(eth) });
    const receipt = await confirmed(publicClientFor(anvil.rpcUrl), hash);
    await testClientFor(anvil.rpcUrl).mine({ blocks: 1 }); // one confirmation
    await c!.market.chain!.waitForBlock(receipt.blockNumber);
  };
  const mirrored = () => balance(c!.db, chainAccounts.balance(user.address));
  const start = async () => (c = await testCoordinator({ dataDir, chain }));

  before(async () => {
    if (anvilSkip) return;
    anvil = await startAnvil({ args: ['--state', state] });
    d = await deployMarket(anvil.rpcUrl, anvilAccount(0));
    chain = { rpcUrl: anvil.rpcUrl, proofMarket: d.proof_market, jobEscrow: d.job_escrow, confirmations: 1, startBlock: BigInt(d.start_block), pollMs: 50 };
  });
  after(async () => {
    await c?.close();
    await anvil?.stop();
  });

  test('deposits come from the chain only; the audit reconciles; a restart credits nothing twice', async () => {
    await start();
    await deposit('1');
    assert.equal(await mirrored(), parseEther('1'));
    for (const [url, body] of [
      ['/v1/accounts/deposit', { amount: '5', address: user.address }],
      ['/v1/accounts/withdraw', { amount: '5', address: user.address }],
      ['/v1/accounts/faucet', { amount: '5', address: user.address }],
      ['/v1/provers/p1/stake', { amount: '5' }],
      ['/v1/provers/p1/unstake', { amount: '5' }],
    ] as const) {
      const r = await c!.call('POST', url, body);
      assert.equal(r.status, 409, `${url}: ${r.raw}`);
      assert.equal(r.body.error.code, 'chain_mode');
      assert.match(r.body.error.message, new RegExp(d.proof_market));
    }
    const health = await c!.call('GET', '/healthz');
    assert.equal(health.body.status, 'ok');
    assert.equal(health.body.chain.status, 'ok');
    assert.equal(health.body.chain.confirmations, 1);
    const audit = await c!.call('GET', '/v1/ledger/audit');
    assert.equal(audit.body.ok, true, audit.raw);
    assert.equal(audit.body.chain.ok, true);
    assert.ok(audit.body.chain.accounts_checked >= 1);
    assert.equal(audit.body.deposits, parseEther('1').toString());

    await c!.close();
    await start();
    await deposit('0.5');
    assert.equal(await mirrored(), parseEther('1.5'), 'the first deposit was not applied again');
    assert.equal((await c!.call('GET', '/v1/ledger/audit')).body.ok, true);
  });

  test('anvil stopped: healthz degraded and unreachable, the audit says so; started again: ok, nothing twice', async () => {
    const port = anvil.port;
    await anvil.stop();
    const until = Date.now() + 15_000;
    for (;;) {
      const h = await c!.call('GET', '/healthz');
      if (h.body.chain.status === 'unreachable') {
        assert.equal(h.status, 200);
        assert.equal(h.body.status, 'degraded');
        assert.ok(h.body.chain.last_error);
        break;
      }
      assert.ok(Date.now() < until, `healthz stayed ${h.raw}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const audit = await c!.call('GET', '/v1/ledger/audit');
    assert.equal(audit.status, 200);
    assert.equal(audit.body.ok, false);
    assert.ok(audit.body.problems.some((p: string) => p.startsWith('the chain could not be read')), audit.raw);
    anvil = await startAnvil({ port, args: ['--state', state] });
    await deposit('0.25');
    assert.equal(await mirrored(), parseEther('1.75'));
    assert.equal((await c!.call('GET', '/healthz')).body.chain.status, 'ok');
    const again = await c!.call('GET', '/v1/ledger/audit');
    assert.equal(again.body.ok, true, again.raw);
  });

  test('the CLI money commands send transactions on chain and say so; the coordinator mirrors them', async () => {
    const file = join(tmp, 'cli-deployment.json');
    writeDeploymentFile(file, d);
    const key = anvilDevKeys()[2]!;
    const keyFile = join(tmp, 'key2.json');
    writeKeyFile(keyFile, keyFileOf(key.privateKey));
    const run = async (args: string[]) => {
      const p: CliProcess = spawnCli([...args, '--chain-deployment', file, '--key', keyFile]);
      const code = await p.stop('SIGCONT'); // SIGCONT changes nothing: waits for the exit
      return { code, out: p.output() };
    };
    const dep = await run(['deposit', '1000000']);
    assert.equal(dep.code, 0, dep.out);
    assert.match(dep.out, /^on chain: tx 0x[0-9a-f]{64} in block \d+ \(gas \d+\): deposited 1000000 wei into 0x[0-9a-fA-F]{40}'s ProofMarket balance \(now 1000000 wei\)\n$/);
    const staked = await run(['stake', '400000', '--json']);
    assert.equal(staked.code, 0, staked.out);
    const doc = JSON.parse(staked.out);
    assert.equal(doc.mode, 'chain');
    assert.equal(doc.free, '400000');
    assert.equal((await run(['unstake', '100000'])).code, 0);
    const w = await run(['withdraw', '300000']);
    assert.match(w.out, /^on chain: tx .*withdrew 300000 wei/);
    const refused = await run(['withdraw', '999999999']);
    assert.equal(refused.code, 1);
    assert.match(refused.out, /^error: transaction_refused: ProofMarket refused the transaction: .*InsufficientBalance/);
    assert.equal(refused.out.trim().split('\n').length, 1, refused.out);
    // A request of this key's, cancelled through the CLI before any lock: the escrow comes back.
    const requestId = keccak256(toHex('cli-cancel'));
    const wallet = walletFor(anvil.rpcUrl, privateKeyToAccount(key.privateKey));
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 3_600);
    await confirmed(publicClientFor(anvil.rpcUrl), await wallet.writeContract({ address: d.proof_market, abi: ProofMarket.abi, functionName: 'createRequest', args: [requestId, d.programs[0]!.program_id, 50_000n, deadline, 0n, keccak256('0x')] }));
    const cancelled = await run(['cancel', requestId]);
    assert.match(cancelled.out, new RegExp(`^on chain: tx 0x[0-9a-f]{64} in block \\d+ \\(gas \\d+\\): cancelled request ${requestId}; its escrow is back`), cancelled.out);
    const badId = await run(['cancel', 'not-an-id']);
    assert.equal(badId.code, 2, badId.out);
    const last = await publicClientFor(anvil.rpcUrl).getBlockNumber();
    await testClientFor(anvil.rpcUrl).mine({ blocks: 1 });
    await c!.market.chain!.waitForBlock(last);
    assert.equal(await balance(c!.db, chainAccounts.escrow(requestId)), 0n);
    const who = key.address;
    assert.equal(await balance(c!.db, chainAccounts.balance(who)), 300000n);
    assert.equal(await balance(c!.db, chainAccounts.stake(who)), 300000n);
    assert.equal(await balance(c!.db, chainAccounts.unstaking(who)), 100000n);
    const audit = await c!.call('GET', '/v1/ledger/audit');
    assert.equal(audit.body.ok, true, audit.raw);
  });

  test('serve\'s chain flags: a deployment file, overrides, and one-line usage errors', () => {
    const file = join(tmp, 'deployment.json');
    writeDeploymentFile(file, d);
    const fromFile = chainFromFlags({ 'chain-deployment': file, confirmations: '3' })!;
    assert.equal(fromFile.proofMarket, d.proof_market.toLowerCase() as Hex);
    assert.equal(fromFile.rpcUrl, d.rpc_url);
    assert.equal(fromFile.confirmations, 3);
    assert.equal(fromFile.startBlock, BigInt(d.start_block));
    assert.equal(chainFromFlags({}), undefined, 'no chain: everything as today');
    const refused = (v: Record<string, string>) => assert.throws(() => chainFromFlags(v), (e: unknown) => e instanceof CliError && e.exitCode === 2);
    refused({ 'chain-rpc': 'http://127.0.0.1:8545' });
    refused({ 'chain-rpc': 'ftp://x', 'market-address': d.proof_market });
    refused({ 'chain-rpc': 'http://127.0.0.1:8545', 'market-address': '0x12' });
    refused({ 'market-address': d.proof_market });
    refused({ 'chain-deployment': join(tmp, 'missing.json') });
  });
});
