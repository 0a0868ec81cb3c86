/**
 * A market on a fresh anvil for the chain benchmark and the gas table: deployed as `proofmarket chain devnet`
 * will deploy it, with anvil's dev accounts in fixed roles, and real proofs of the built-in range-proof.
 */
import { readFileSync } from 'node:fs';
import * as snarkjs from 'snarkjs';
import { parseEther, type Hex, type TransactionReceipt } from 'viem';
import { ProofMarket } from '../contracts/artifacts/ProofMarket.ts';
import { startAnvil, type Anvil } from '../src/chain/anvil.ts';
import { chainProof, signalsCommitment, type ChainProof } from '../src/chain/calldata.ts';
import { anvilAccount, confirmed, publicClientFor, testClientFor, walletFor, type Wallet } from '../src/chain/client.ts';
import { deployAll, marketSettings, type Deployment } from '../src/chain/deploy.ts';
import { builtinArtifactUrl } from '../src/proofs/programs.ts';

export const ROLES = { admin: 0, requester: 1, prover: 2, submitter: 4, anyone: 5, matchmaker: 8, treasury: 9 } as const;

export interface BenchMarket {
  anvil: Anvil;
  deployment: Deployment;
  address(role: number): Hex;
  wallet(role: number): Wallet;
  program(key: string): Hex;
  send(role: number, functionName: string, args: readonly unknown[], value?: bigint): Promise<TransactionReceipt>;
  now(): Promise<bigint>;
  warp(seconds: bigint): Promise<void>;
  close(): Promise<void>;
}

export async function startBenchMarket(): Promise<BenchMarket> {
  const anvil = await startAnvil();
  const client = publicClientFor(anvil.rpcUrl);
  const test = testClientFor(anvil.rpcUrl);
  const wallets = Array.from({ length: 10 }, (_, i) => walletFor(anvil.rpcUrl, anvilAccount(i)));
  const address = (role: number) => wallets[role]!.account.address;
  try {
    const deployment = await deployAll(anvil.rpcUrl, wallets[ROLES.admin]!.account, marketSettings({ treasury: address(ROLES.treasury), matchmaker: address(ROLES.matchmaker) }));
    return {
      anvil,
      deployment,
      address,
      wallet: (role) => wallets[role]!,
      program: (key) => deployment.programs.find((p) => `${p.name}/${p.system}` === key)!.programId,
      async send(role, functionName, args, value) {
        const hash = await wallets[role]!.writeContract({ address: deployment.proofMarket, abi: ProofMarket.abi, functionName, args, value } as never);
        return confirmed(client, hash);
      },
      now: async () => (await client.getBlock()).timestamp,
      async warp(seconds) {
        await test.increaseTime({ seconds: Number(seconds) });
        await test.mine({ blocks: 1 });
      },
      close: () => anvil.stop(),
    };
  } catch (err) {
    await anvil.stop();
    throw err;
  }
}

export interface BenchProof extends ChainProof {
  commitment: Hex;
}

/** Real proofs that min ≤ value ≤ max for `values`, proved in this process (witness + proof per value). */
export async function rangeProofs(system: 'groth16' | 'plonk' | 'fflonk', values: number[], min = 0, max = 1_000_000): Promise<BenchProof[]> {
  const wasm = readFileSync(builtinArtifactUrl('range-proof', system, 'wasm'));
  const zkey = readFileSync(builtinArtifactUrl('range-proof', system, 'zkey'));
  const out: BenchProof[] = [];
  for (const value of values) {
    const { proof, publicSignals } = await snarkjs[system].fullProve({ value: String(value), min: String(min), max: String(max) }, wasm, zkey);
    out.push({ ...(await chainProof(system, proof, publicSignals)), commitment: signalsCommitment(publicSignals) });
  }
  return out;
}

export const MAX_PRICE = parseEther('0.02');
export const PRICE = parseEther('0.01');

/** Opens requests committing to each proof's signals and locks them to the prover; returns their ids. */
export async function lockedRequests(m: BenchMarket, label: string, program: string, proofs: BenchProof[], minStake = 0n): Promise<Hex[]> {
  const ids: Hex[] = [];
  const deadline = (await m.now()) + 3600n;
  for (const [i, p] of proofs.entries()) {
    const id = `0x${Buffer.from(`${label}-${i}`.padEnd(32, '\0').slice(0, 32)).toString('hex')}` as Hex;
    await m.send(ROLES.requester, 'createRequest', [id, m.program(program), MAX_PRICE, deadline, minStake, p.commitment], MAX_PRICE);
    await m.send(ROLES.matchmaker, 'lock', [id, m.address(ROLES.prover), PRICE]);
    ids.push(id);
  }
  return ids;
}
