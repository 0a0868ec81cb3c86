/**
 * A whole market on a chain in one call: deploy every contract from one account (the admin), register the
 * built-in programs, and describe the result as a deployment file. `proofmarket chain devnet` does it on a fresh
 * anvil with anvil's dev keys; `chain deploy` on any RPC with the user's key; the tests and the demo too.
 */
import { toHex, type Account, type Hex } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { DEFAULT_ECONOMICS, type EconomicsConfig } from '../domain/ledger.ts';
import { ANVIL_MNEMONIC, publicClientFor } from './client.ts';
import { deployAll, marketSettings } from './deploy.ts';
import { deploymentFileOf, type DeploymentFile } from './deployment-file.ts';

export interface DeployOptions {
  /** Who may lock stake behind requests: the coordinator's key. Default: the deploying account. */
  matchmaker?: Hex;
  /** Where protocol fees go. Default: the deploying account. */
  treasury?: Hex;
  economics?: EconomicsConfig;
  proofTimeoutMs?: number;
}

export async function deployMarket(rpcUrl: string, admin: Account, opts: DeployOptions = {}): Promise<DeploymentFile> {
  const roles = { admin: admin.address, matchmaker: opts.matchmaker ?? admin.address, treasury: opts.treasury ?? admin.address };
  const startBlock = await publicClientFor(rpcUrl).getBlockNumber();
  const settings = marketSettings({ treasury: roles.treasury, matchmaker: roles.matchmaker }, opts.economics ?? DEFAULT_ECONOMICS, opts.proofTimeoutMs);
  const d = await deployAll(rpcUrl, admin, settings);
  return deploymentFileOf(d, rpcUrl, roles, startBlock);
}

export interface DevKey {
  index: number;
  address: Hex;
  privateKey: Hex;
}

/** anvil's well-known, publicly known dev keys (its default mnemonic): funded on anvil, worthless anywhere else. */
export function anvilDevKeys(count = 10): DevKey[] {
  return Array.from({ length: count }, (_, index) => {
    const account = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: index });
    return { index, address: account.address, privateKey: toHex(account.getHdKey().privateKey!) };
  });
}
