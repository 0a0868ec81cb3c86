// The bidders of the clearing bench (bench/clearing.ts), and the engine it measures before the clearing work.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as market from '../src/domain/market/index.ts';
import type { AuctionSpec, AuctionState, Mechanism, ProverProfile, RequestTerms } from '../src/domain/market/index.ts';
import { seededRandom } from '../src/demo/workload.ts';

export const MAX_PRICE = 1_000_000n;
const HOUR = 3_600_000;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/**
 * The engine as it was before the clearing work (issue #19 part 3): the last commit before it. The bench
 * copies that commit's src/domain out of git into .proofmarket/ (ignored) and imports it, so the baseline is
 * the old clearing code itself, measured in the same process on the same states.
 */
export const BASELINE_REV = 'e4bee5f1048bade63cd94de5699eaaa286c61c70';

export type Engine = Pick<typeof market, 'openAuction' | 'applyBid' | 'applyCommit' | 'applyReveal' | 'applyLock' | 'closeAuction'>;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The baseline engine, or why it cannot be loaded (no git, a shallow clone without that commit). */
export async function loadBaseline(): Promise<{ engine: Engine } | { missing: string }> {
  const dir = join(ROOT, '.proofmarket', 'bench-baseline', BASELINE_REV);
  try {
    if (!existsSync(join(dir, 'done'))) {
      const files = execFileSync('git', ['-C', ROOT, 'ls-tree', '-r', '--name-only', BASELINE_REV, 'src/domain'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
        .split('\n')
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
      for (const f of files) {
        const text = execFileSync('git', ['-C', ROOT, 'show', `${BASELINE_REV}:${f}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 24 });
        mkdirSync(dirname(join(dir, f)), { recursive: true });
        writeFileSync(join(dir, f), text);
      }
      writeFileSync(join(dir, 'done'), '');
    }
    return { engine: (await import(pathToFileURL(join(dir, 'src/domain/market/index.ts')).href)) as Engine };
  } catch (e) {
    return { missing: `the baseline commit ${BASELINE_REV.slice(0, 10)} could not be read from git (${(e as Error).message.split('\n')[0]})` };
  }
}

/** Everything the bidders bring, built before any clock starts: n provers, each with one fee and nonce. */
export interface Field {
  n: number;
  provers: ProverProfile[];
  byId: Map<string, ProverProfile>;
  fees: bigint[];
  nonces: string[];
}

export function makeField(n: number, seed = 0x5eed): Field {
  const rnd = seededRandom(seed + n);
  const provers: ProverProfile[] = [];
  const fees: bigint[] = [];
  const nonces: string[] = [];
  for (let i = 0; i < n; i++) {
    // all eligible: reputations spread over 0..5 stars, every tenth without history (neutral 2.5 stars)
    provers.push({ prover_id: `bench-prover-${i}`, backends: ['groth16'], privacy_levels: [], capacity: 4, active_tasks: 0, reputation: i % 10 === 0 ? null : Math.round(rnd() * 500) / 100, status: 'active' });
    fees.push(1n + BigInt(Math.floor(rnd() * Number(MAX_PRICE))));
    nonces.push(Array.from({ length: 4 }, () => Math.floor(rnd() * 2 ** 32).toString(16).padStart(8, '0')).join(''));
  }
  return { n, provers, byId: new Map(provers.map((p) => [p.prover_id, p])), fees, nonces };
}

function specOf(m: Mechanism): AuctionSpec {
  switch (m) {
    case 'fixed':
      return { mechanism: 'fixed', bid_window_ms: HOUR };
    case 'weighted':
      return { mechanism: 'weighted', bid_window_ms: HOUR };
    case 'sealed':
      return { mechanism: 'sealed', bid_window_ms: HOUR, reveal_window_ms: HOUR };
    case 'rising':
      return { mechanism: 'rising', bid_window_ms: HOUR, min_price: 1_000n, ramp_start_ms: 0, ramp_period_ms: HOUR, lock_timeout_ms: 2 * HOUR };
  }
}

export const termsFor = (m: Mechanism, n: number): RequestTerms => ({ request_id: `bench-clearing-${m}-${n}`, backend: 'groth16', privacy_level: 1, max_price: MAX_PRICE, min_reputation: 0, auction: specOf(m) });

/** When an auction of this mechanism is cleared: after its windows, or (fixed, rising) once the take or lock decided it. */
export function clearingTime(m: Mechanism, f: Field): Date {
  return m === 'fixed' || m === 'rising' ? new Date(T0 + f.n) : new Date(T0 + 3 * HOUR);
}

/**
 * Every bidder acts once through `engine`: fixed takes and weighted bids (bid i at T0 + i ms), sealed
 * commitments then reveals (the commitments hashed beforehand, as the provers do; each reveal is opened
 * against its commitment as it arrives), rising lock attempts. Returns the open auction, ready to clear.
 */
export function intake(engine: Engine, m: Mechanism, f: Field, commitments: readonly string[] = []): AuctionState {
  let s = engine.openAuction(termsFor(m, f.n), new Date(T0));
  const { provers, fees } = f;
  for (let i = 0; i < f.n; i++) {
    const at = new Date(T0 + i);
    if (m === 'sealed') s = engine.applyCommit(s, { prover: provers[i]!, commitment: commitments[i]! }, at).state;
    else if (m === 'rising') s = engine.applyLock(s, { prover: provers[i]! }, at).state;
    else s = engine.applyBid(s, { prover: provers[i]!, fee: fees[i]! }, at).state;
  }
  if (m === 'sealed') for (let i = 0; i < f.n; i++) s = engine.applyReveal(s, { prover: provers[i]!, fee: fees[i]!, nonce: f.nonces[i]! }, new Date(T0 + HOUR + i)).state;
  return s;
}

export function commitmentsFor(m: Mechanism, f: Field): string[] {
  if (m !== 'sealed') return [];
  const request_id = termsFor(m, f.n).request_id;
  return f.provers.map((p, i) => market.sealedCommitment({ request_id, prover_id: p.prover_id, fee: f.fees[i]!, nonce: f.nonces[i]! }));
}
