import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dataCommitmentInput } from '../proofs/builtin/data-commitment.ts';
import { rangeProofInput } from '../proofs/builtin/range-proof.ts';
import type { ProveJob, ProvingPool } from './proving.ts';

const CIRCUITS = new URL('../../circuits/', import.meta.url);

/**
 * Built-in circuits to benchmark, in order of preference, with an input each. data-commitment first: the
 * coordinator serves every privacy level with it by default, so its speed is the one that matters.
 */
const CANDIDATES: Array<{ name: string; input: () => Record<string, unknown> }> = [
  { name: 'data-commitment', input: () => dataCommitmentInput(new Uint8Array([1, 2, 3])) },
  { name: 'range-proof', input: () => rangeProofInput({ value: '42', min: '18', max: '150' }) },
];

/** A groth16 job on a shipped circuit, or null when circuits/ has none. */
export function benchmarkJob(): { name: string; job: ProveJob } | null {
  let manifest: Array<{ name: string; systems: string[] }>;
  try {
    manifest = JSON.parse(readFileSync(new URL('manifest.json', CIRCUITS), 'utf8'));
  } catch {
    return null;
  }
  for (const c of CANDIDATES) {
    if (!manifest.some((m) => m.name === c.name && m.systems.includes('groth16'))) continue;
    const wasmPath = fileURLToPath(new URL(`${c.name}/${c.name}.wasm`, CIRCUITS));
    const zkeyPath = fileURLToPath(new URL(`${c.name}/groth16.zkey`, CIRCUITS));
    if (existsSync(wasmPath) && existsSync(zkeyPath)) return { name: `${c.name}/groth16`, job: { system: 'groth16', input: c.input(), wasmPath, zkeyPath } };
  }
  return null;
}

/**
 * Proofs per second of one worker, from one warm proof (the first proof of a worker also builds snarkjs'
 * curve, which would understate the speed). Every worker gets a warm-up job, so they all start warm.
 */
export async function measureProofRate(pool: ProvingPool): Promise<{ rate: number; benchmark: string } | null> {
  const bench = benchmarkJob();
  if (!bench) return null;
  await Promise.all(Array.from({ length: pool.size }, () => pool.prove(bench.job)));
  const { ms } = await pool.prove(bench.job);
  return { rate: 1000 / Math.max(1, ms), benchmark: bench.name };
}

/**
 * The proving speed the node advertises, in proofs per second: one worker's rate times the workers that can
 * run at once (no more than the CPU cores). Rounded to 3 significant digits.
 */
export function advertisedSpeed(ratePerWorker: number, workers: number, cores: number): number {
  const speed = ratePerWorker * Math.max(1, Math.min(workers, cores));
  return Number(speed.toPrecision(3));
}
