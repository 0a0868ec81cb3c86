// A proof request settled on chain end to end, on a real anvil: the requester escrows on ProofMarket and
// submits (requestOnChain, what `proofmarket request --chain-…` runs), the coordinator opens the auction once
// it has indexed the RequestCreated event and its matchmaker key locks the winner's stake, the prover node
// proves (real Groth16) and sends `fulfill` itself; the prover's ProofMarket balance grows by price − fee, the
// requester gets the rest back, and GET /v1/ledger/audit agrees with the chain. A tampered proof and a proof
// for other data are refused on chain and pay nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEther, type Hex } from 'viem';
import { startAnvil, type Anvil } from '../src/chain/anvil.ts';
import { chainProof } from '../src/chain/calldata.ts';
import { anvilAccount, publicClientFor } from '../src/chain/client.ts';
import { writeDeploymentFile, type DeploymentFile } from '../src/chain/deployment-file.ts';
import { anvilDevKeys, deployMarket } from '../src/chain/devnet.ts';
import { ChainMarket } from '../src/chain/market-client.ts';
import { requestOnChain } from '../src/chain/requester.ts';
import { chainRequestId, chainRequestTerms } from '../src/chain/requests.ts';
import { startCoordinator, type Coordinator } from '../src/coordinator/coordinator.ts';
import { chainAccounts } from '../src/domain/chain-mirror.ts';
import { keyFileOf, writeKeyFile } from '../src/keys/key-file.ts';
import { terminateCurves } from '../src/proofs/curves.ts';
import { ProverNode } from '../src/prover/index.ts';
import { ProofMarketClient } from '../src/sdk/client.ts';
import { privateKeySigner } from '../src/sdk/signer.ts';
import { getChainRequest } from '../src/store/chain.ts';
import { balance } from '../src/store/ledger.ts';
import { anvilSkip, revertName } from './support/chain.ts';
import { spawnCli } from './support/process.ts';
import { waitFor } from './support/wait.ts';

const FEE_BPS = 100n; // DEFAULT_ECONOMICS.protocolFeeBps, as deployed

/** Flips one bit in the proof's second word (a curve coordinate). */
function tampered(proof: Hex): Hex {
  const i = 2 + 64 + 63;
  return `${proof.slice(0, i)}${(parseInt(proof[i]!, 16) ^ 1).toString(16)}${proof.slice(i + 1)}` as Hex;
}

describe('a proof request settled on chain, end to end', { skip: anvilSkip, timeout: 300_000 }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'pm-chain-settlement-'));
  const [matchmakerKey, requesterKey, proverKey] = anvilDevKeys(3).map((k) => k.privateKey);
  let anvil: Anvil;
  let d: DeploymentFile;
  let coordinator: Coordinator;
  let node: ProverNode;
  let requester: ChainMarket;
  let prover: ChainMarket;
  let pm: ProofMarketClient;
  let programId: string;

  before(async () => {
    if (anvilSkip) return;
    anvil = await startAnvil();
    d = await deployMarket(anvil.rpcUrl, anvilAccount(0));
    coordinator = await startCoordinator({
      dataDir: 'memory://', logLevel: 'silent', port: 0, verifierThreads: 1, sweepIntervalMs: 200, auctionTickMs: 100, open: false,
      chain: { rpcUrl: anvil.rpcUrl, proofMarket: d.proof_market, jobEscrow: d.job_escrow, confirmations: 0, startBlock: BigInt(d.start_block), pollMs: 100, matchmakerKey: matchmakerKey! },
    });
    requester = new ChainMarket(anvil.rpcUrl, d.proof_market, requesterKey!);
    prover = new ChainMarket(anvil.rpcUrl, d.proof_market, proverKey!);
    // The prover stakes on chain and lets the matchmaker lock its stake; its node signs with the same key.
    await prover.stake(parseEther('0.5'), parseEther('0.5'));
    await prover.consentToMatchmaker(true);
    const keyFile = join(tmp, 'prover-key.json');
    writeKeyFile(keyFile, keyFileOf(proverKey!));
    node = new ProverNode(
      { coordinator_url: coordinator.url!, state_dir: join(tmp, 'node'), key_file: keyFile, heartbeat_interval: 0.5, poll_interval: 0.1, long_poll: 1, bidding: false, chain_rpc: anvil.rpcUrl, market_address: d.proof_market },
      { measureSpeed: false },
    );
    await node.start();
    pm = new ProofMarketClient({ baseUrl: coordinator.url!, signer: privateKeySigner(requesterKey!) });
    programId = (await pm.listPrograms()).find((p) => p.name === 'range-proof' && p.proof_system === 'groth16')!.program_id;
  });
  after(async () => {
    await node?.stop({ handBack: true });
    await coordinator?.close();
    await anvil?.stop();
    await terminateCurves();
    rmSync(tmp, { recursive: true, force: true });
  });

  const input = (value: number) => Buffer.from(JSON.stringify({ value: String(value), min: '18', max: '150' })).toString('base64');

  test('escrowed, locked, proved and fulfilled on chain; the prover is paid price − fee; the audit agrees', async () => {
    const maxPrice = parseEther('0.01');
    const proverBefore = await prover.balanceOf();
    const fulfilled = new Promise<{ tx: string; gasUsed: bigint }>((resolve) => node.once('fulfilled', resolve));
    const r = await requestOnChain(pm, requester, { program_id: programId, input: input(42), backend: 'groth16', max_price: maxPrice.toString(), min_stake: parseEther('0.1').toString(), deadline: 30 });
    assert.equal(r.value, maxPrice, 'an empty ProofMarket balance: the whole escrow is sent with createRequest');
    const id = r.terms.requestId;
    assert.equal(id, chainRequestId(r.view.request_id));

    const tx = await fulfilled;
    const onChain = await requester.request(id);
    assert.equal(onChain.status, 'fulfilled');
    assert.equal(onChain.prover.toLowerCase(), prover.address.toLowerCase(), 'locked to the node\'s key by the matchmaker');
    const price = onChain.price;
    assert.ok(price > 0n && price <= maxPrice);
    const fee = (price * FEE_BPS) / 10_000n;
    assert.equal((await prover.balanceOf()) - proverBefore, price - fee, 'the prover is credited price − fee in ProofMarket');
    assert.equal(await requester.balanceOf(), maxPrice - price, 'the requester gets back what it did not pay');
    assert.equal((await prover.stakeOf()).locked, 0n, 'the lock is released on fulfilment');
    assert.ok(tx.gasUsed > 0n);

    // The coordinator: completed off chain, settled on chain (its indexer saw RequestFulfilled), the mirror agrees.
    const view = await waitFor('the request completed', async () => {
      const v = await pm.getRequest(r.view.request_id);
      return v.status === 'completed' && v;
    });
    assert.equal(view.price, price.toString(), 'the off-chain clearing price is the one locked on chain');
    const receipt = await publicClientFor(anvil.rpcUrl).getTransactionReceipt({ hash: tx.tx as Hex });
    await coordinator.market.chain!.waitForBlock(receipt.blockNumber);
    assert.equal((await getChainRequest(coordinator.db, id))?.status, 'fulfilled');
    const settled = await pm.getRequest(r.view.request_id);
    assert.deepEqual(settled.chain && { id: settled.chain.request_id, status: settled.chain.status, tx: settled.chain.settled_tx }, { id, status: 'fulfilled', tx: tx.tx.toLowerCase() });
    assert.equal(r.view.chain?.status, 'open', 'submitted once the escrow was indexed, before any lock');
    assert.equal(await balance(coordinator.db, chainAccounts.balance(prover.address)), await prover.balanceOf());
    assert.equal(await balance(coordinator.db, chainAccounts.escrow(id)), 0n);
    const audit = await pm.ledgerAudit();
    assert.equal(audit.ok, true, JSON.stringify(audit));
    assert.equal((audit as unknown as { chain: { ok: boolean; differences: unknown[] } }).chain.ok, true, JSON.stringify(audit));
    assert.equal(coordinator.market.matchmaker!.stats().locks_sent, 1);

    // The same real proof, tampered or carrying other signals, on a fresh request locked to the same prover.
    const proof = await pm.getProof(r.view.request_id);
    const good = await chainProof('groth16', proof.proof as object, proof.public_signals);
    const terms = chainRequestTerms({ requestId: 'tampered-1', programId, maxPrice, deadline: new Date(Date.now() + 3_600_000), minStake: 0n, expectedSignals: proof.public_signals });
    await requester.createRequest(terms, maxPrice);
    await new ChainMarket(anvil.rpcUrl, d.proof_market, matchmakerKey!).lock(terms.requestId, prover.address, maxPrice / 2n);
    const before = await prover.balanceOf();
    assert.equal(await revertName(prover.fulfill(terms.requestId, tampered(good.proof), good.publicSignals)), 'ProofInvalid');
    const otherSignals = [...good.publicSignals.slice(0, -1), good.publicSignals.at(-1)! + 1n];
    assert.equal(await revertName(prover.fulfill(terms.requestId, good.proof, otherSignals)), 'PublicSignalsMismatch');
    assert.equal(await prover.balanceOf(), before, 'a refused proof pays nothing');
    assert.equal((await requester.request(terms.requestId)).status, 'open', 'and settles nothing');
    await coordinator.market.chain!.waitForBlock(await publicClientFor(anvil.rpcUrl).getBlockNumber());
    const again = await pm.ledgerAudit();
    assert.equal(again.ok, true, JSON.stringify(again));
  });

  test('proofmarket request --chain-deployment escrows on chain, then submits; the request is fulfilled on chain', async () => {
    const deployment = join(tmp, 'deployment.json');
    writeDeploymentFile(deployment, d);
    const keyFile = join(tmp, 'requester-key.json');
    writeKeyFile(keyFile, keyFileOf(requesterKey!));
    const inputFile = join(tmp, 'input.json');
    writeFileSync(inputFile, JSON.stringify({ value: '77', min: '18', max: '150' }));
    const cli = spawnCli(['request', '--program-id', programId, '--input-data', inputFile, '--max-price', '5000000000000000', '--request-id', 'cli-request-1',
      '--chain-deployment', deployment, '--key', keyFile, '--coordinator', coordinator.url!]);
    assert.equal(await cli.stop('SIGCONT'), 0, cli.output()); // SIGCONT changes nothing: waits for the exit
    const id = chainRequestId('cli-request-1');
    assert.match(cli.output(), new RegExp(`on chain: tx 0x[0-9a-f]{64} in block \\d+ \\(gas \\d+\\): escrowed 5000000000000000 wei as ProofMarket request ${id}`), cli.output());
    assert.match(cli.output(), /request cli-request-1 submitted: (pending|assigned|in_progress)/, cli.output());
    await waitFor('the CLI\'s request fulfilled on chain', async () => (await requester.request(id)).status === 'fulfilled', 120_000);
  });
});
