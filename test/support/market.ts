import { before } from 'node:test';
import type { Hex, TransactionReceipt } from 'viem';
import { ProofMarket } from '../../contracts/artifacts/ProofMarket.ts';
import { chainProof, signalsCommitment, type ChainProof } from '../../src/chain/calldata.ts';
import { confirmed } from '../../src/chain/client.ts';
import { deployAll, marketSettings, type Deployment } from '../../src/chain/deploy.ts';
import { anvilSkip, useAnvil, type ChainFixture } from './chain.ts';
import { proveBuiltin } from './proofs.ts';

/** Who is who among anvil's dev accounts in the market tests. */
export const ROLE = { admin: 0, requester: 1, prover: 2, prover2: 3, submitter: 4, anyone: 5, requester2: 6, matchmaker: 8, treasury: 9 } as const;

/** Settings of the test market: the off-chain defaults (fee 1%, slash 100% of the lock, half burned, 7-day window, 1-day unstake delay, 5-minute proof timeout). */
export const FEE_BPS = 100n;
export const PROOF_TIMEOUT = 300n;
export const SLASH_WINDOW = 7n * 24n * 3600n;
export const UNSTAKE_DELAY = 24n * 3600n;

export interface MarketFixture extends ChainFixture {
  deployment: Deployment;
  market: Hex;
  /** The program id of a built-in program, by "name/system". */
  program(key: string): Hex;
  address(role: number): Hex;
  /** Sends a ProofMarket transaction as anvil account `who`; resolves to its receipt (rejects on revert). */
  send(who: number, functionName: string, args: readonly unknown[], value?: bigint): Promise<TransactionReceipt>;
  read<T = unknown>(functionName: string, args?: readonly unknown[]): Promise<T>;
  now(): Promise<bigint>;
  /** Moves the chain's clock forward and mines a block. */
  warp(seconds: bigint): Promise<void>;
}

/** One anvil and one deployment for the whole test file (tests isolate themselves with `isolated`). */
export function useMarket(): MarketFixture {
  const fx = useAnvil() as MarketFixture;
  before(async () => {
    if (anvilSkip) return;
    const address = (role: number) => fx.wallets[role]!.account.address;
    fx.address = address;
    fx.deployment = await deployAll(fx.rpcUrl, fx.wallets[ROLE.admin]!.account, marketSettings({ treasury: address(ROLE.treasury), matchmaker: address(ROLE.matchmaker) }));
    fx.market = fx.deployment.proofMarket;
    fx.program = (key) => {
      const p = fx.deployment.programs.find((q) => `${q.name}/${q.system}` === key);
      if (!p) throw new Error(`no program ${key}`);
      return p.programId;
    };
    fx.send = async (who, functionName, args, value) => {
      const hash = await fx.wallets[who]!.writeContract({ address: fx.market, abi: ProofMarket.abi, functionName, args, value } as never);
      return confirmed(fx.public, hash);
    };
    fx.read = (functionName, args = []) => fx.public.readContract({ address: fx.market, abi: ProofMarket.abi, functionName, args } as never) as never;
    fx.now = async () => (await fx.public.getBlock()).timestamp;
    fx.warp = async (seconds) => {
      await fx.test.increaseTime({ seconds: Number(seconds) });
      await fx.test.mine({ blocks: 1 });
    };
  });
  return fx;
}

/** A request id from a label. */
export const rid = (label: string): Hex => `0x${Buffer.from(label.padEnd(32, '\0').slice(0, 32)).toString('hex')}`;

export interface RealProof extends ChainProof {
  commitment: Hex;
}

/** A real range-proof proof that min ≤ value ≤ max, ready for ProofMarket. */
export async function rangeProof(system: 'groth16' | 'plonk' | 'fflonk', value: number, min: number, max: number): Promise<RealProof> {
  const { proof, publicSignals } = await proveBuiltin('range-proof', system, { value: String(value), min: String(min), max: String(max) });
  return { ...(await chainProof(system, proof, publicSignals)), commitment: signalsCommitment(publicSignals) };
}

/** A real data-commitment Groth16 proof of `text`'s bytes. */
export async function dataCommitmentProof(text: string): Promise<RealProof> {
  const { dataCommitmentInput } = await import('../../src/proofs/builtin/data-commitment.ts');
  const { proof, publicSignals } = await proveBuiltin('data-commitment', 'groth16', dataCommitmentInput(new TextEncoder().encode(text)));
  return { ...(await chainProof('groth16', proof, publicSignals)), commitment: signalsCommitment(publicSignals) };
}

/** The request's stored fields, by name. */
export interface RequestView {
  requester: Hex;
  deadline: bigint;
  status: number;
  lockState: number;
  prover: Hex;
  lockDeadline: bigint;
  maxPrice: bigint;
  price: bigint;
  lockedStake: bigint;
  programId: Hex;
  commitment: Hex;
}

export async function requestOf(fx: MarketFixture, id: Hex): Promise<RequestView> {
  const r = await fx.read<readonly unknown[]>('requests', [id]);
  const keys = ['requester', 'deadline', 'status', 'lockState', 'prover', 'lockDeadline', 'maxPrice', 'price', 'lockedStake', 'programId', 'commitment'] as const;
  return Object.fromEntries(keys.map((k, i) => [k, r[i]])) as unknown as RequestView;
}

export async function stakeOf(fx: MarketFixture, who: Hex): Promise<{ free: bigint; locked: bigint; unstaking: bigint; unstakeAvailableAt: bigint; matchmakerAllowed: boolean }> {
  const [free, locked, unstaking, unstakeAvailableAt, matchmakerAllowed] = await fx.read<readonly [bigint, bigint, bigint, bigint, boolean]>('stakes', [who]);
  return { free, locked, unstaking, unstakeAvailableAt, matchmakerAllowed };
}

export const STATUS = { None: 0, Open: 1, Fulfilled: 2, Refunded: 3, Cancelled: 4 } as const;
export const LOCK = { None: 0, Active: 1, Released: 2, Slashed: 3 } as const;
