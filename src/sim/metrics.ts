import { Histogram, Series } from './stats.ts';

/** Everything one run measures (see report.ts for how it is printed). */
export class Metrics {
  submitted = 0;
  completed = 0;
  /** Ended unfulfilled, refunded in full, by the kernel's cause or the re-auction's reason. */
  readonly failed = new Map<string, number>();
  /** Requests that went to at least one more round with relaxed terms (nextRound: reauction). */
  reauctioned = 0;
  /** Requests offered again after their winner failed (a wrong proof, a timeout, a lapsed lock). */
  reoffered = 0;
  readonly timeToAssign = new Histogram();
  readonly timeToProof = new Histogram();
  /** Clearing prices of completed requests, and their provers' true costs. */
  pricePaid = 0n;
  trueCost = 0n;
  /** Σ of the cheapest interested prover's cost at each winning assignment, and Σ of the winner's cost. */
  cheapestCost = 0n;
  winnerCost = 0n;
  /** What requesters valued completed requests at (their original max_price). */
  valuation = 0n;
  protocolFees = 0n;
  readonly slashedProvers = new Set<number>();
  capacityViolations = 0;
  maxBusySlots = 0;
  /** Coordinator transactions per simulated minute (one per kernel plan, auction action, round open or close). */
  readonly tx = new Series();
  readonly arrivals = new Series();
  readonly completions = new Series();
  readonly refunds = new Series();
  readonly busy = new Series();
  /** Per minute: Σ price of completions (to plot the mean price). */
  readonly priceByMinute = new Series();
  txTotal = 0;
  readonly txByKind = new Map<string, number>();

  countTx(now: number, kind: string): void {
    this.tx.add(Math.floor(now / 60_000));
    this.txTotal++;
    this.txByKind.set(kind, (this.txByKind.get(kind) ?? 0) + 1);
  }

  recordFailure(reason: string, now: number): void {
    this.failed.set(reason, (this.failed.get(reason) ?? 0) + 1);
    this.refunds.add(Math.floor(now / 60_000));
  }

  get refunded(): number {
    let n = 0;
    for (const v of this.failed.values()) n += v;
    return n;
  }
}
