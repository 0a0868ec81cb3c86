import { parsePrivacyRoutes, type PrivacyRoute } from '../coordinator/config.ts';
import type { SubmitTaskRequest } from '../api/index.ts';

/**
 * The demo's market: which program and proof system serve each privacy level. Every built-in program and
 * system has a level, so the workload exercises all of them.
 */
export const DEMO_ROUTES: PrivacyRoute[] = parsePrivacyRoutes(
  '1-3:data-commitment/groth16,4:range-proof/groth16,5:range-proof/plonk,6:range-proof/fflonk,7:data-commitment/plonk,8-255:data-commitment/groth16',
);

/** One of each (program, system) first, then mostly the fast Groth16 commitments. */
const FIRST_LEVELS = [1, 4, 5, 6, 7];
const THEN_LEVELS = [1, 2, 3, 1, 2, 3, 4, 5, 6, 2];

export interface DemoProverSpec {
  name: string;
  capacity: number;
  levels: number[];
}

/** Three kinds of prover with different capacities and privacy levels; more provers cycle through them. */
const PROVER_KINDS: DemoProverSpec[] = [
  { name: 'Fast Prover', capacity: 2, levels: [] },
  { name: 'Standard Prover', capacity: 1, levels: [1, 2, 3, 4, 5, 6] },
  { name: 'Budget Prover', capacity: 1, levels: [1, 2, 3, 4, 5] },
];

/** The demo's provers; the last `faulty` of them corrupt a share of their proofs. */
export function demoProvers(count: number, faulty: number): Array<DemoProverSpec & { faulty: boolean }> {
  return Array.from({ length: count }, (_, i) => {
    const kind = PROVER_KINDS[i % PROVER_KINDS.length]!;
    const isFaulty = i >= count - faulty;
    const suffix = i >= PROVER_KINDS.length ? ` ${Math.floor(i / PROVER_KINDS.length) + 1}` : '';
    return { ...kind, name: `${isFaulty ? 'Faulty ' : ''}${kind.name}${suffix}`, faulty: isFaulty };
  });
}

/**
 * The requester's workload: `n` real tasks over the built-in programs. Deterministic for a given `random`,
 * so a run can be reproduced. Level 7 (data-commitment with PLONK, ~10 s a proof) appears once.
 */
export function demoWorkload(n: number, random: () => number): SubmitTaskRequest[] {
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  return Array.from({ length: n }, (_, i) => {
    const level = i < FIRST_LEVELS.length ? FIRST_LEVELS[i]! : THEN_LEVELS[(i - FIRST_LEVELS.length) % THEN_LEVELS.length]!;
    const program = DEMO_ROUTES.find((r) => level >= r.from && level <= r.to)!.program;
    let data: number[];
    if (program === 'range-proof') {
      const min = int(0, 1000);
      const max = min + int(0, 1_000_000);
      data = Array.from(Buffer.from(JSON.stringify({ value: String(int(min, max)), min: String(min), max: String(max) })));
    } else {
      data = Array.from({ length: int(16, 1024) }, () => int(0, 255));
    }
    return {
      privacy_level: level,
      circuit_data: data,
      reward_amount: String(int(50, 500) * 1000),
      requester: 'demo-requester',
      priority: int(0, 100),
    };
  });
}

/** A small seeded PRNG (mulberry32), so the demo's workload is the same run after run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
