/**
 * Where a deployment lives, as a JSON file `proofmarket chain devnet|deploy --out FILE` writes and
 * `proofmarket serve --chain-deployment FILE` (and the indexer) reads: the RPC URL, the chain id, the contracts'
 * addresses, the block the market was deployed in (where an indexer starts), the roles and the programs.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isAddress, type Hex } from 'viem';
import type { Deployment } from './deploy.ts';

export interface DeploymentFile {
  version: 1;
  rpc_url: string;
  chain_id: number;
  proof_market: Hex;
  job_escrow: Hex;
  /** The block ProofMarket was deployed in: nothing of it happened before. */
  start_block: string;
  admin: Hex;
  matchmaker: Hex;
  treasury: Hex;
  programs: Array<{ name: string; system: string; program_id: Hex; verifier: Hex; adapter: Hex }>;
}

export function deploymentFileOf(d: Deployment, rpcUrl: string, roles: { admin: Hex; matchmaker: Hex; treasury: Hex }, startBlock: bigint): DeploymentFile {
  return {
    version: 1,
    rpc_url: rpcUrl,
    chain_id: d.chainId,
    proof_market: d.proofMarket,
    job_escrow: d.jobEscrow,
    start_block: startBlock.toString(),
    ...roles,
    programs: d.programs.map((p) => ({ name: p.name, system: p.system, program_id: p.programId, verifier: p.verifier, adapter: p.adapter })),
  };
}

/** Writes atomically (a reader sees the old file or the new one). */
export function writeDeploymentFile(path: string, file: DeploymentFile): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`);
  renameSync(tmp, path);
}

/** Reads and checks a deployment file; throws an Error with a one-line message when it is not one. */
export function readDeploymentFile(path: string): DeploymentFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the deployment file ${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  const f = parsed as Partial<DeploymentFile>;
  if (f?.version !== 1 || typeof f.rpc_url !== 'string' || !isAddress(f.proof_market ?? '') || !isAddress(f.job_escrow ?? '') || !/^\d+$/.test(f.start_block ?? '')) {
    throw new Error(`${path} is not a proofmarket deployment file (version 1, rpc_url, proof_market, job_escrow, start_block)`);
  }
  return f as DeploymentFile;
}
