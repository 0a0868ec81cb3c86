import { reputationOf, type ProverProfile, type Reputation } from '../domain/market/index.ts';
import type { Queryable } from '../store/db.ts';
import { getProver, listProvers, updateReputationCache, type ProverWithLoad } from '../store/provers.ts';
import { listReputationEvents, markReputationRefreshed, staleReputations, type ReputationEventRecord } from '../store/reputation.ts';

/** How fast old work fades: a week-old proof counts half as much as one delivered now. */
export const REPUTATION_HALF_LIFE_MS = 7 * 24 * 3_600_000;

export interface ProverReputation extends Omit<Reputation, 'stars' | 'score'> {
  /** Stars after blending in the operator's seed, if any; null with neither history nor seed. */
  stars: number | null;
  score: number | null;
  seeded: number | null;
  history: ReputationEventRecord[];
}

/**
 * A prover's reputation at `now`: `reputationOf` over its observations, with an operator's seed (if any)
 * counted as one more observation's worth of weight: stars = (seed + Σw × computed) / (1 + Σw). So a seeded
 * prover starts at its seed, and its own record takes over as it works.
 */
export function blendedReputation(events: ReputationEventRecord[], seeded: number | null, now: Date): ProverReputation {
  const computed = reputationOf(events, now, { half_life_ms: REPUTATION_HALF_LIFE_MS });
  const base = computed ?? { total: 0, successful: 0, failed: 0, weight: 0, success_rate: 0, average_quality: 0, time_efficiency: 0, score: 0, stars: 0 };
  let stars: number | null = computed ? computed.stars : null;
  if (seeded !== null) stars = computed ? (seeded + computed.weight * computed.stars) / (1 + computed.weight) : seeded;
  return { ...base, stars, score: stars === null ? null : stars / 5, seeded, history: events };
}

/** Mean time from assignment to a verified proof over the recent successful results, ms. */
export function responseTimeOf(events: ReputationEventRecord[]): number | null {
  const ok = events.filter((e) => e.success).slice(0, 50);
  return ok.length === 0 ? null : ok.reduce((s, e) => s + e.actual_ms, 0) / ok.length;
}

/** Recomputes and caches a prover's stars and response time (the pull query and the profiles read them). */
export async function refreshReputation(q: Queryable, proverId: string, seeded: number | null, now: Date): Promise<void> {
  const events = await listReputationEvents(q, proverId);
  const r = blendedReputation(events, seeded, now);
  await updateReputationCache(q, proverId, r.stars, responseTimeOf(events));
}

/** The engine's view of a prover, as stored now. */
export function profileOf(p: ProverWithLoad): ProverProfile {
  return {
    prover_id: p.prover_id,
    backends: p.backends,
    privacy_levels: p.supported_levels,
    capacity: p.capacity,
    active_tasks: p.active_tasks,
    reputation: p.reputation_stars,
    status: p.status,
  };
}

export async function profilesOf(q: Queryable, ids: string[]): Promise<Map<string, ProverProfile>> {
  if (ids.length === 0) return new Map();
  return new Map((await listProvers(q, [...new Set(ids)])).map((p) => [p.prover_id, profileOf(p)]));
}

/** How often at most a prover's cached reputation is recomputed (see `ReputationTracker.refresh`). */
const REPUTATION_REFRESH_MS = 1_000;
/** How many stale provers one scheduler pass refreshes at most (the rest wait for the next pass). */
const REFRESH_BATCH = 200;

/**
 * Keeps provers' cached stars (read by the pull query and the auctions) current. Which provers are stale is
 * known to the database, not to this process (migration 007: every observation bumps its prover's count in
 * its own transaction), so any replica's scheduler refreshes a prover whose observation another replica
 * applied, even one that died since. A busy prover is recomputed at most once a second, with everything since
 * folded in. `markStale` only tells this process to look at once rather than at its next periodic look.
 * Also remembers how long each prover's proofs should take (its registration does not change).
 */
export class ReputationTracker {
  /** Whether this process applied an observation since it last looked (a hint: the database decides). */
  #hinted = false;
  /** When this process last looked for stale provers (market clock, ms). */
  #lookedAt = -Infinity;
  readonly #expectedMs = new Map<string, number>();

  constructor(readonly proofTimeoutMs: number) {}

  markStale(_proverId: string): void {
    this.#hinted = true;
  }

  /**
   * Recomputes the stale provers' stars: at once after an observation of this process, and at least once a
   * second anyway (for observations other replicas applied). Two replicas refreshing one prover at once
   * compute the same value; the recorded count never moves back.
   */
  async refresh(q: Queryable, now: Date): Promise<void> {
    if (!this.#hinted && now.getTime() - this.#lookedAt < REPUTATION_REFRESH_MS) return;
    this.#hinted = false;
    this.#lookedAt = now.getTime();
    for (const { prover_id: id, observed } of await staleReputations(q, now, REPUTATION_REFRESH_MS, REFRESH_BATCH)) {
      const p = await getProver(q, id);
      if (p) await refreshReputation(q, id, p.seeded_reputation, now);
      await markReputationRefreshed(q, id, observed, now);
    }
  }

  /**
   * How long a proof by this prover should take, for its time efficiency: its own measured proving time
   * (1 / proving_speed) when it reported one, else a tenth of the proof timeout. Inside a transaction, pass
   * it: PGlite's one connection is held by the transaction.
   */
  async expectedProofMs(q: Queryable, proverId: string): Promise<number> {
    let ms = this.#expectedMs.get(proverId);
    if (ms === undefined) {
      const p = await getProver(q, proverId);
      ms = p?.proving_speed ? Math.max(1, 1000 / p.proving_speed) : this.proofTimeoutMs / 10;
      if (this.#expectedMs.size >= 10_000) this.#expectedMs.clear();
      this.#expectedMs.set(proverId, ms);
    }
    return ms;
  }
}
