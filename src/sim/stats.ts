/**
 * Fixed-memory measurements for millions of requests: a log-bucketed histogram (1% resolution, 1 ms to ~11 days)
 * for durations, and per-minute counters for the time series the plots show.
 */
const BASE = 1.01;
const LOG_BASE = Math.log(BASE);
const BUCKETS = 2200;

export class Histogram {
  readonly counts = new Float64Array(BUCKETS);
  n = 0;
  sum = 0;

  add(ms: number): void {
    const i = ms < 1 ? 0 : Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(ms) / LOG_BASE));
    this.counts[i]! += 1;
    this.n++;
    this.sum += ms;
  }

  /** The upper edge of the bucket holding the p-th percentile (within 1%); null when empty. */
  percentile(p: number): number | null {
    if (this.n === 0) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * this.n));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return i === 0 ? 1 : Math.pow(BASE, i);
    }
    return Math.pow(BASE, BUCKETS - 1);
  }

  mean(): number | null {
    return this.n === 0 ? null : this.sum / this.n;
  }
}

/** Counters per simulated minute, grown as time passes. */
export class Series {
  readonly values: number[] = [];

  add(minute: number, by = 1): void {
    while (this.values.length <= minute) this.values.push(0);
    this.values[minute]! += by;
  }

  max(): number {
    return this.values.reduce((m, v) => (v > m ? v : m), 0);
  }

  /** Sums `width` minutes into one point (e.g. 60: per hour). */
  downsample(width: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.values.length; i += width) out.push(this.values.slice(i, i + width).reduce((s, v) => s + v, 0));
    return out;
  }
}
