/**
 * Deploys the market's contracts to a chain: ProofMarket, JobEscrow, and for every built-in program its
 * snarkjs verifier plus the adapter ProofMarket calls (Groth16BatchAdapter for Groth16, SnarkjsVerifierAdapter for
 * PLONK and FFLONK), registered under the program's id. `proofmarket chain devnet` and `chain deploy` call this.
 */
import type { Account, Hex } from 'viem';
import { DataCommitmentGroth16Verifier } from '../../contracts/artifacts/DataCommitmentGroth16Verifier.ts';
import { DataCommitmentPlonkVerifier } from '../../contracts/artifacts/DataCommitmentPlonkVerifier.ts';
import { Groth16BatchAdapter } from '../../contracts/artifacts/Groth16BatchAdapter.ts';
import { JobEscrow } from '../../contracts/artifacts/JobEscrow.ts';
import { ProofMarket } from '../../contracts/artifacts/ProofMarket.ts';
import { RangeProofFflonkVerifier } from '../../contracts/artifacts/RangeProofFflonkVerifier.ts';
import { RangeProofGroth16Verifier } from '../../contracts/artifacts/RangeProofGroth16Verifier.ts';
import { RangeProofPlonkVerifier } from '../../contracts/artifacts/RangeProofPlonkVerifier.ts';
import { SnarkjsVerifierAdapter } from '../../contracts/artifacts/SnarkjsVerifierAdapter.ts';
import { DEFAULT_ECONOMICS, type EconomicsConfig } from '../domain/ledger.ts';
import { loadBuiltinPrograms } from '../proofs/programs.ts';
import { confirmed, deployArtifact, publicClientFor, walletFor, type Artifact } from './client.ts';
import { builtinChainPrograms, groth16KeyWords, SYSTEM_CODES, type ChainProgram } from './programs.ts';

const VERIFIERS: Record<string, Artifact> = {
  DataCommitmentGroth16Verifier,
  DataCommitmentPlonkVerifier,
  RangeProofGroth16Verifier,
  RangeProofPlonkVerifier,
  RangeProofFflonkVerifier,
};

/** ProofMarket's constructor settings (its `Config` struct); times in seconds. */
export interface MarketSettings {
  treasury: Hex;
  matchmaker: Hex;
  protocolFeeBps: number;
  overcommitBps: number;
  slashBps: number;
  slashBurnBps: number;
  slashWindow: bigint;
  unstakeDelay: bigint;
  proofTimeout: bigint;
  minStakeToBid: bigint;
}

/** The off-chain market's economics as ProofMarket's settings (milliseconds rounded up to seconds). */
export function marketSettings(roles: { treasury: Hex; matchmaker: Hex }, e: EconomicsConfig = DEFAULT_ECONOMICS, proofTimeoutMs = 300_000): MarketSettings {
  const seconds = (ms: number) => BigInt(Math.ceil(ms / 1000));
  return {
    ...roles,
    protocolFeeBps: e.protocolFeeBps,
    overcommitBps: e.overcommitBps,
    slashBps: e.slashBps,
    slashBurnBps: e.slashBurnBps,
    slashWindow: seconds(e.slashWindowMs),
    unstakeDelay: seconds(e.unstakeDelayMs),
    proofTimeout: seconds(proofTimeoutMs),
    minStakeToBid: e.minStakeToBid,
  };
}

export interface DeployedProgram {
  name: string;
  system: ChainProgram['system'];
  /** The coordinator's program id (sha256 hex) as bytes32. */
  programId: Hex;
  verifier: Hex;
  adapter: Hex;
}

export interface Deployment {
  chainId: number;
  proofMarket: Hex;
  jobEscrow: Hex;
  programs: DeployedProgram[];
  /** Gas of every deployment and registration, summed. */
  gasUsed: bigint;
}

/** Deploys everything from `account` (which becomes ProofMarket's admin) and registers the built-in programs. */
export async function deployAll(rpcUrl: string, account: Account, settings: MarketSettings): Promise<Deployment> {
  const client = publicClientFor(rpcUrl);
  const wallet = walletFor(rpcUrl, account);
  let gasUsed = 0n;
  const deploy = async (artifact: Artifact, args: readonly unknown[] = []) => {
    const { address, receipt } = await deployArtifact(client, wallet, artifact, args);
    gasUsed += receipt.gasUsed;
    return address;
  };
  const proofMarket = await deploy(ProofMarket, [settings]);
  const jobEscrow = await deploy(JobEscrow);
  const ids = new Map(loadBuiltinPrograms(new Date(0)).map((p) => [`${p.name}/${p.proof_system}`, `0x${p.program_id}` as Hex]));
  const programs: DeployedProgram[] = [];
  for (const p of builtinChainPrograms()) {
    const programId = ids.get(`${p.name}/${p.system}`);
    const artifact = VERIFIERS[p.verifierContract];
    if (!programId || !artifact) throw new Error(`no verifier artifact for ${p.name}/${p.system} (run scripts/export-verifiers.ts and scripts/compile-contracts.ts)`);
    const verifier = await deploy(artifact);
    const adapter = p.system === 'groth16'
      ? await deploy(Groth16BatchAdapter, [verifier, BigInt(p.nPublic), groth16KeyWords(p.vkey)])
      : await deploy(SnarkjsVerifierAdapter, [verifier, SYSTEM_CODES[p.system], BigInt(p.nPublic)]);
    const hash = await wallet.writeContract({ address: proofMarket, abi: ProofMarket.abi, functionName: 'registerProgram', args: [programId, adapter] });
    gasUsed += (await confirmed(client, hash)).gasUsed;
    programs.push({ name: p.name, system: p.system, programId, verifier, adapter });
  }
  return { chainId: await client.getChainId(), proofMarket, jobEscrow, programs, gasUsed };
}
