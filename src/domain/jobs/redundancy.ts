/**
 * Verification by redundancy (`verifier: "redundant:N"`), pure: the same job runs on N distinct providers, and
 * the outputs a strict majority of them agree on are taken as the job's. Two runs agree when they report the
 * same set of output paths with the same SHA-256 each (exit code 0; a failed run agrees with nobody).
 *
 * - decided: a strict majority (more than N/2) agree → those providers are paid, each the job's price
 *   (the requester escrows N × price), the others are to be slashed by the stake rules, and what was escrowed
 *   for their runs goes back to the requester;
 * - pending: no majority yet, but the runs still missing could make one;
 * - no_majority: every run is in (or too few remain to reach a majority): the job fails, refunded in full,
 *   nobody is paid and nobody is slashed (no majority says who was wrong).
 */
import { bpsOf, accounts, type Movement } from '../ledger.ts';
import type { JobResult } from './job.ts';

export interface RedundantRun {
  provider: string;
  result: JobResult;
}

export type RedundancyVerdict =
  | { kind: 'decided'; outputs: string; majority: string[]; minority: string[] }
  | { kind: 'pending'; missing: number }
  | { kind: 'no_majority' };

/** What a run's outputs are, as one comparable key: `path=sha256` sorted, or null for a failed run. */
export function outputsKey(r: JobResult): string | null {
  if (r.failure || r.exitCode !== 0) return null;
  return r.artifacts.map((a) => `${a.path}=${a.sha256}`).sort().join('\n');
}

/** The verdict on the runs received so far of a job asking `n` of them (one run per provider: the first counts). */
export function redundancyVerdict(runs: readonly RedundantRun[], n: number): RedundancyVerdict {
  const seen = new Set<string>();
  const counted = runs.filter((r) => !seen.has(r.provider) && seen.add(r.provider));
  const need = Math.floor(n / 2) + 1;
  const groups = new Map<string, string[]>();
  for (const r of counted) {
    const key = outputsKey(r.result);
    if (key !== null) groups.set(key, [...(groups.get(key) ?? []), r.provider]);
  }
  const [outputs, majority] = [...groups].sort((a, b) => b[1].length - a[1].length)[0] ?? ['', []];
  if (majority.length >= need) return { kind: 'decided', outputs, majority, minority: counted.map((r) => r.provider).filter((p) => !majority.includes(p)) };
  const missing = Math.max(0, n - counted.length);
  return majority.length + missing >= need ? { kind: 'pending', missing } : { kind: 'no_majority' };
}

/**
 * The movement that settles a decided redundant job: from the escrow (N × price), each majority provider's
 * balance gets the price less the protocol fee, the treasury the fees, the requester the rest.
 */
export function redundantSettlement(s: { jobId: string; requester: string; majority: readonly string[]; escrowed: bigint; price: bigint; feeBps: number }): Movement {
  const paid = s.price * BigInt(s.majority.length);
  if (paid > s.escrowed) throw new Error(`redundantSettlement: ${paid} exceeds the escrow ${s.escrowed} of ${s.jobId}`);
  const fee = bpsOf(s.price, s.feeBps);
  return {
    kind: 'settle',
    cause_type: 'job',
    cause_id: s.jobId,
    idempotency_key: `settle:job:${s.jobId}`,
    postings: [
      { account: accounts.jobEscrow(s.jobId), amount: -s.escrowed },
      ...s.majority.map((p) => ({ account: accounts.balance(p), amount: s.price - fee })),
      { account: accounts.treasury, amount: fee * BigInt(s.majority.length) },
      { account: accounts.balance(s.requester), amount: s.escrowed - paid },
    ],
  };
}
