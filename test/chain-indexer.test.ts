// The chain indexer against a real anvil (one per file, with --state so it can be stopped and started again on
// the same chain) and a PGlite store on disk: deposits credited once across coordinator restarts and a crash
// between a log and its block's mark, confirmations, an RPC that goes away and comes back, every money-moving
// event mirrored, and the reconciliation with the contracts' views (which also sees a tampered mirror).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keccak256, parseEther, toHex, type Hex } from 'viem';
import { JobEscrow } from '../contracts/artifacts/JobEscrow.ts';
import { ProofMarket } from '../contracts/artifacts/ProofMarket.ts';
import { startAnvil, type Anvil } from '../src/chain/anvil.ts';
import { anvilAccount, confirmed, publicClientFor, testClientFor, walletFor, type Wallet } from '../src/chain/client.ts';
import type { DeploymentFile } from '../src/chain/deployment-file.ts';
import { deployMarket } from '../src/chain/devnet.ts';
import { ChainIndexer } from '../src/chain/indexer.ts';
import { reconcileWithChain } from '../src/chain/reconcile.ts';
import { chainAccounts } from '../src/domain/chain-mirror.ts';
import { openDb, type Db } from '../src/store/db.ts';
import { getChainRequest } from '../src/store/chain.ts';
import { audit, balance } from '../src/store/ledger.ts';
import { migrate } from '../src/store/migrate.ts';
import { anvilSkip } from './support/chain.ts';

describe('chain indexer on anvil', { skip: anvilSkip, timeout: 240_000 }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'pm-chain-indexer-'));
  const state = join(tmp, 'anvil-state.json');
  let anvil: Anvil;
  let port: number;
  let d: DeploymentFile;
  let db: Db;
  let wallets: Wallet[];
  const client = () => publicClientFor(anvil.rpcUrl);
  const indexers: ChainIndexer[] = [];
  const newIndexer = (confirmations = 0) => {
    const ix = new ChainIndexer({ db, rpcUrl: anvil.rpcUrl, proofMarket: d.proof_market, jobEscrow: d.job_escrow, startBlock: BigInt(d.start_block), confirmations, pollMs: 50 });
    indexers.push(ix);
    return ix;
  };
  const pm = (who: number, functionName: string, args: unknown[] = [], value?: bigint) =>
    wallets[who]!.writeContract({ address: d.proof_market, abi: ProofMarket.abi, functionName, args, value } as never).then((h: Hex) => confirmed(client(), h));
  const addr = (i: number) => wallets[i]!.account.address.toLowerCase();
  const mirrored = (account: string) => balance(db, account);
  const source = () => `proof_market:${d.proof_market.toLowerCase()}`;

  before(async () => {
    if (anvilSkip) return;
    anvil = await startAnvil({ args: ['--state', state] });
    port = anvil.port;
    wallets = Array.from({ length: 6 }, (_, i) => walletFor(anvil.rpcUrl, anvilAccount(i)));
    d = await deployMarket(anvil.rpcUrl, anvilAccount(0), { treasury: anvilAccount(5).address });
    db = await openDb({ dataDir: join(tmp, 'db') });
    await migrate(db);
  });
  after(async () => {
    for (const ix of indexers) await ix.stop();
    await db?.close();
    await anvil?.stop();
  });

  test('a deposit is credited once, across restarts and a crash before its block was marked scanned', async () => {
    const ix = newIndexer();
    ix.start();
    const r = await pm(1, 'deposit', [], parseEther('1.5'));
    await ix.waitForBlock(r.blockNumber);
    assert.equal(await mirrored(chainAccounts.balance(addr(1))), parseEther('1.5'));
    await ix.stop();
    // A coordinator restart: the store closed and opened again, a new indexer reading the same cursor.
    await db.close();
    db = await openDb({ dataDir: join(tmp, 'db') });
    await migrate(db);
    // As if the process died after applying the log but before marking its block: the logs are read again.
    await db.query(`UPDATE chain_cursors SET scanned_block = $1, scanned_hash = NULL`, [(BigInt(d.start_block) - 1n).toString()]);
    const again = newIndexer();
    await again.syncOnce();
    assert.equal(await mirrored(chainAccounts.balance(addr(1))), parseEther('1.5'), 'credited once');
    assert.equal((await db.query(`SELECT count(*)::int AS n FROM ledger_movements WHERE kind = 'chain_deposit'`))[0]!.n, 1);
    assert.equal(again.health().status, 'ok');
    assert.equal(again.health().indexed_block, (await client().getBlockNumber()).toString());
  });

  test('a log is applied only under `confirmations` blocks', async () => {
    const ix = newIndexer(2);
    const r = await pm(2, 'deposit', [], parseEther('0.25'));
    await ix.syncOnce();
    assert.equal(await mirrored(chainAccounts.balance(addr(2))), 0n, 'one block deep: not yet');
    await testClientFor(anvil.rpcUrl).mine({ blocks: 2 });
    await ix.syncOnce();
    assert.equal(await mirrored(chainAccounts.balance(addr(2))), parseEther('0.25'));
    assert.ok(BigInt(ix.health().indexed_block!) >= r.blockNumber);
  });

  test('every money-moving event is mirrored and reconciles with the contracts; a tampered mirror is reported', async () => {
    const ix = newIndexer();
    await pm(3, 'stake', [parseEther('2')], parseEther('3'));
    await pm(3, 'requestUnstake', [parseEther('0.5')]);
    await pm(3, 'setMatchmakerConsent', [true]);
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 3_600);
    const [a, b] = [keccak256(toHex('request-a')), keccak256(toHex('request-b'))];
    const programId = d.programs[0]!.program_id;
    await pm(1, 'createRequest', [a, programId, parseEther('0.4'), deadline, parseEther('0.1'), keccak256('0x')]);
    await pm(1, 'createRequest', [b, programId, parseEther('0.2'), deadline, 0n, keccak256('0x')], parseEther('0.2'));
    await pm(0, 'lock', [a, wallets[3]!.account.address, parseEther('0.3')]);
    await pm(1, 'cancel', [b]);
    await pm(1, 'withdraw', [parseEther('0.1')]);
    const job = (fn: string, args: unknown[], value?: bigint) => wallets[4]!.writeContract({ address: d.job_escrow, abi: JobEscrow.abi, functionName: fn, args, value } as never).then((h: Hex) => confirmed(client(), h));
    await job('depositJob', ['job-1'], parseEther('0.05'));
    await job('depositJob', ['job-2'], parseEther('0.07'));
    const last = await job('releaseJob', ['job-2', wallets[5]!.account.address]);
    await ix.syncOnce();
    await ix.waitForBlock(last.blockNumber);
    assert.equal(await mirrored(chainAccounts.stake(addr(3))), parseEther('1.4'));
    assert.equal(await mirrored(chainAccounts.locked(addr(3))), parseEther('0.1'));
    assert.equal(await mirrored(chainAccounts.unstaking(addr(3))), parseEther('0.5'));
    assert.equal(await mirrored(chainAccounts.escrow(a)), parseEther('0.4'));
    assert.equal(await mirrored(chainAccounts.escrow(b)), 0n);
    assert.equal((await getChainRequest(db, a))!.status, 'locked');
    assert.equal((await getChainRequest(db, b))!.status, 'cancelled');
    const opts = { rpcUrl: anvil.rpcUrl, proofMarket: d.proof_market, jobEscrow: d.job_escrow, source: source() };
    const report = await reconcileWithChain(db, opts);
    assert.deepEqual(report.differences, []);
    assert.ok(report.ok && report.accounts_checked >= 8, JSON.stringify(report));
    const ledger = await audit(db);
    assert.ok(ledger.ok, ledger.problems.join('; '));
    // Tamper with the mirror (both sides of a movement, so the ledger itself still balances): the chain disagrees.
    await db.query(`UPDATE accounts SET balance = balance + 7 WHERE account = $1`, [chainAccounts.balance(addr(1))]);
    await db.query(`UPDATE accounts SET balance = balance - 7 WHERE account = 'external'`);
    const tampered = await reconcileWithChain(db, opts);
    assert.equal(tampered.ok, false);
    assert.ok(tampered.differences.some((x) => x.account === chainAccounts.balance(addr(1)) && BigInt(x.mirror) - BigInt(x.chain) === 7n), JSON.stringify(tampered));
    await db.query(`UPDATE accounts SET balance = balance - 7 WHERE account = $1`, [chainAccounts.balance(addr(1))]);
    await db.query(`UPDATE accounts SET balance = balance + 7 WHERE account = 'external'`);
  });

  test('anvil stopped and started again: the indexer retries, health says unreachable, nothing is credited twice', async () => {
    const ix = newIndexer();
    ix.start();
    const before = await mirrored(chainAccounts.balance(addr(2)));
    const r = await pm(2, 'deposit', [], parseEther('0.01'));
    await ix.waitForBlock(r.blockNumber);
    await anvil.stop();
    const until = Date.now() + 15_000;
    while (ix.health().status !== 'unreachable') {
      assert.ok(Date.now() < until, `health stayed ${JSON.stringify(ix.health())}`);
      await new Promise((res) => setTimeout(res, 50));
    }
    assert.ok(ix.health().last_error);
    anvil = await startAnvil({ port, args: ['--state', state] });
    const r2 = await pm(2, 'deposit', [], parseEther('0.02'));
    await ix.waitForBlock(r2.blockNumber);
    assert.equal(ix.health().status, 'ok');
    assert.equal(await mirrored(chainAccounts.balance(addr(2))), before + parseEther('0.03'));
    const report = await reconcileWithChain(db, { rpcUrl: anvil.rpcUrl, proofMarket: d.proof_market, jobEscrow: d.job_escrow, source: source() });
    assert.deepEqual(report.differences, []);
  });
});
