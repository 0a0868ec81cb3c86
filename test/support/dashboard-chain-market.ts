// A coordinator settling on a real anvil for the dashboard's Chain page (its browser test and the screenshots):
// the market deployed, `proofmarket serve`'s coordinator in process with the chain indexer (1 confirmation), and
// a request created and cancelled on chain so the indexer has a settlement with its transaction to show.
import { keccak256, toHex, type Hex } from 'viem';
import { ProofMarket } from '../../contracts/artifacts/ProofMarket.ts';
import { startAnvil, type Anvil } from '../../src/chain/anvil.ts';
import { anvilAccount, confirmed, publicClientFor, testClientFor, walletFor } from '../../src/chain/client.ts';
import { deployMarket } from '../../src/chain/devnet.ts';
import type { DeploymentFile } from '../../src/chain/deployment-file.ts';
import { startCoordinator, type Coordinator } from '../../src/coordinator/coordinator.ts';

export interface ChainMarket {
  anvil: Anvil;
  deployment: DeploymentFile;
  coordinator: Coordinator;
  url: string;
  /** The cancelled request and its settling transaction (lower case). */
  requestId: Hex;
  cancelTx: Hex;
  close(): Promise<void>;
}

export async function chainMarket(): Promise<ChainMarket> {
  const anvil = await startAnvil();
  let coordinator: Coordinator | undefined;
  try {
    const deployment = await deployMarket(anvil.rpcUrl, anvilAccount(0));
    coordinator = await startCoordinator({
      host: '127.0.0.1', port: 0, dataDir: 'memory://', logLevel: 'silent', verifierThreads: 1,
      chain: { rpcUrl: anvil.rpcUrl, proofMarket: deployment.proof_market, jobEscrow: deployment.job_escrow, confirmations: 1, startBlock: BigInt(deployment.start_block), pollMs: 50 },
    });
    const client = publicClientFor(anvil.rpcUrl);
    const wallet = walletFor(anvil.rpcUrl, anvilAccount(1));
    const requestId = keccak256(toHex('dashboard-chain'));
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 3_600);
    const maxPrice = 50_000n;
    await confirmed(client, await wallet.writeContract({ address: deployment.proof_market, abi: ProofMarket.abi, functionName: 'createRequest', args: [requestId, deployment.programs[0]!.program_id, maxPrice, deadline, 0n, keccak256('0x')], value: maxPrice }));
    const cancelTx = await wallet.writeContract({ address: deployment.proof_market, abi: ProofMarket.abi, functionName: 'cancel', args: [requestId] });
    const receipt = await confirmed(client, cancelTx);
    await testClientFor(anvil.rpcUrl).mine({ blocks: 1 }); // one confirmation
    await coordinator.market.chain!.waitForBlock(receipt.blockNumber);
    const c = coordinator;
    return { anvil, deployment, coordinator: c, url: c.url!, requestId, cancelTx: cancelTx.toLowerCase() as Hex, close: async () => (await c.close(), await anvil.stop()) };
  } catch (err) {
    await coordinator?.close();
    await anvil.stop();
    throw err;
  }
}
