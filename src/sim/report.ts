import type { Engine } from './engine.ts';

/** One mechanism's figures, as printed and as the JSON line carries them (seconds, shares 0..1, money in units). */
export interface RunSummary {
  mechanism: string;
  wall_s: number;
  submitted: number;
  completed: number;
  refunded: number;
  refunded_share: number;
  refunded_by_reason: Record<string, number>;
  reauctioned_share: number;
  reoffered_share: number;
  assign_p50_s: number | null;
  assign_p99_s: number | null;
  proof_p50_s: number | null;
  proof_p99_s: number | null;
  /** Σ clearing price / Σ winner's true cost over completed requests. */
  price_over_cost: number;
  /** Σ cost of the cheapest interested prover / Σ cost of the winner: 1 = the cheapest always won. */
  allocative_efficiency: number;
  /** Mean price per completed request, and as a share of what the requester offered (its max_price). */
  requester_cost_per_proof: number;
  requester_cost_over_valuation: number;
  provers_slashed: number;
  slashes: number;
  slashed_amount: string;
  tx_total: number;
  tx_per_request: number;
  mean_tx_per_s: number;
  peak_tx_per_s: number;
  max_busy_slots: number;
  money_conserved: boolean;
  capacity_violations: number;
  unfinished: number;
}

const s = (ms: number | null) => (ms === null ? null : Math.round(ms) / 1000);

export function summarize(e: Engine, wallMs: number): RunSummary {
  const m = e.metrics;
  const days = e.opts.days;
  return {
    mechanism: e.opts.mechanism,
    wall_s: Math.round(wallMs / 100) / 10,
    submitted: m.submitted,
    completed: m.completed,
    refunded: m.refunded,
    refunded_share: m.refunded / Math.max(1, m.submitted),
    refunded_by_reason: Object.fromEntries(m.failed),
    reauctioned_share: m.reauctioned / Math.max(1, m.submitted),
    reoffered_share: m.reoffered / Math.max(1, m.submitted),
    assign_p50_s: s(m.timeToAssign.percentile(50)),
    assign_p99_s: s(m.timeToAssign.percentile(99)),
    proof_p50_s: s(m.timeToProof.percentile(50)),
    proof_p99_s: s(m.timeToProof.percentile(99)),
    price_over_cost: Number(m.pricePaid) / Math.max(1, Number(m.trueCost)),
    allocative_efficiency: Number(m.cheapestCost) / Math.max(1, Number(m.winnerCost)),
    requester_cost_per_proof: Number(m.pricePaid) / Math.max(1, m.completed),
    requester_cost_over_valuation: Number(m.pricePaid) / Math.max(1, Number(m.valuation)),
    provers_slashed: m.slashedProvers.size,
    slashes: e.store.slashes,
    slashed_amount: e.store.slashedAmount.toString(),
    tx_total: m.txTotal,
    tx_per_request: m.txTotal / Math.max(1, m.submitted),
    mean_tx_per_s: m.txTotal / (days * 86_400),
    peak_tx_per_s: m.tx.max() / 60,
    max_busy_slots: m.maxBusySlots,
    money_conserved: e.store.total() === 0n && [...e.store.balances].every(([a, v]) => a === 'external' || v >= 0n) && ![...e.store.balances.keys()].some((a) => a.startsWith('escrow:')),
    capacity_violations: m.capacityViolations,
    unfinished: e.live.size,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const sec = (x: number | null) => (x === null ? '-' : x < 60 ? `${x.toFixed(1)} s` : `${(x / 60).toFixed(1)} min`);

/** The comparison table, one column per mechanism. */
export function table(rows: RunSummary[]): string {
  const lines: Array<[string, (r: RunSummary) => string]> = [
    ['requests submitted', (r) => r.submitted.toLocaleString('en')],
    ['completed', (r) => pct(r.completed / Math.max(1, r.submitted))],
    ['refunded (failed)', (r) => pct(r.refunded_share)],
    ['re-auctioned (relaxed terms)', (r) => pct(r.reauctioned_share)],
    ['offered again (winner failed)', (r) => pct(r.reoffered_share)],
    ['time to assignment p50 / p99', (r) => `${sec(r.assign_p50_s)} / ${sec(r.assign_p99_s)}`],
    ['time to proof p50 / p99', (r) => `${sec(r.proof_p50_s)} / ${sec(r.proof_p99_s)}`],
    ['price / true cost', (r) => `${r.price_over_cost.toFixed(3)}×`],
    ['allocative efficiency', (r) => pct(r.allocative_efficiency)],
    ['requester cost / proof (units)', (r) => Math.round(r.requester_cost_per_proof).toLocaleString('en')],
    ['requester cost / max_price', (r) => pct(r.requester_cost_over_valuation)],
    ['provers slashed (slashes)', (r) => `${r.provers_slashed} (${r.slashes})`],
    ['coordinator tx / request', (r) => r.tx_per_request.toFixed(2)],
    ['tx/s mean / peak minute', (r) => `${r.mean_tx_per_s.toFixed(0)} / ${r.peak_tx_per_s.toFixed(0)}`],
    ['busy proving slots, max', (r) => r.max_busy_slots.toLocaleString('en')],
    ['money conserved, capacity kept', (r) => `${r.money_conserved ? 'yes' : 'NO'}, ${r.capacity_violations === 0 ? 'yes' : 'NO'}`],
    ['wall time', (r) => `${r.wall_s} s`],
  ];
  const head = `| | ${rows.map((r) => r.mechanism).join(' | ')} |\n| --- | ${rows.map(() => '---').join(' | ')} |`;
  return [head, ...lines.map(([name, f]) => `| ${name} | ${rows.map(f).join(' | ')} |`)].join('\n');
}
