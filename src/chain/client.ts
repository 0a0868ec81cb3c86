/**
 * viem clients for one chain and the two things every caller does with them: deploy a compiled artifact and
 * send a transaction, each waiting (with a timeout, always) for a successful receipt.
 */
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  http,
  type Abi,
  type Account,
  type Chain,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
  type WalletClient,
  type Transport,
} from 'viem';
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';

/** viem's waitForTransactionReceipt can hang without one (PLATFORM.md). */
export const RECEIPT_TIMEOUT_MS = 30_000;

/** anvil's well-known development mnemonic: its first accounts hold 10,000 ETH each. Never for real money. */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';

/** anvil's dev account `index` (0-9 are funded by default). */
export function anvilAccount(index: number): Account {
  return mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: index });
}

export function accountFromKey(privateKey: Hex): Account {
  return privateKeyToAccount(privateKey);
}

export interface ChainClients {
  chain: Chain;
  public: PublicClient<Transport, Chain>;
}

export type Wallet = WalletClient<Transport, Chain, Account>;

export function publicClientFor(rpcUrl: string, chain: Chain = foundry): PublicClient<Transport, Chain> {
  return createPublicClient({ chain, transport: http(rpcUrl), pollingInterval: 50 });
}

export function walletFor(rpcUrl: string, account: Account, chain: Chain = foundry): Wallet {
  return createWalletClient({ chain, account, transport: http(rpcUrl), pollingInterval: 50 });
}

/** anvil's own RPC methods (snapshot, revert, time travel, mining). */
export function testClientFor(rpcUrl: string, chain: Chain = foundry) {
  return createTestClient({ chain, mode: 'anvil', transport: http(rpcUrl) });
}

export class TransactionFailedError extends Error {
  constructor(readonly receipt: TransactionReceipt) {
    super(`transaction ${receipt.transactionHash} reverted (gas used ${receipt.gasUsed})`);
    this.name = 'TransactionFailedError';
  }
}

/** Waits for `hash` to be mined; throws TransactionFailedError when it reverted. */
export async function confirmed(client: PublicClient<Transport, Chain>, hash: Hex): Promise<TransactionReceipt> {
  const receipt = await client.waitForTransactionReceipt({ hash, timeout: RECEIPT_TIMEOUT_MS, pollingInterval: 50 });
  if (receipt.status !== 'success') throw new TransactionFailedError(receipt);
  return receipt;
}

export interface Artifact {
  contractName: string;
  abi: Abi | readonly unknown[];
  bytecode: Hex;
}

/** Deploys a compiled artifact; resolves to its address and the deployment's receipt. */
export async function deployArtifact(client: PublicClient<Transport, Chain>, wallet: Wallet, artifact: Artifact, args: readonly unknown[] = []): Promise<{ address: Hex; receipt: TransactionReceipt }> {
  const hash = await wallet.deployContract({ abi: artifact.abi as Abi, bytecode: artifact.bytecode, args: args as unknown[] });
  const receipt = await confirmed(client, hash);
  if (!receipt.contractAddress) throw new Error(`deploying ${artifact.contractName} gave no contract address`);
  return { address: receipt.contractAddress, receipt };
}
