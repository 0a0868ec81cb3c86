/** An open request on the bid side: it will pay up to `max_price` for one proof. */
export interface BookRequest {
  request_id: string;
  backend: string;
  max_price: bigint;
}

/** A prover's standing offer on the ask side: `capacity` proofs at `min_price` or more each. */
export interface BookAsk {
  prover_id: string;
  backend: string;
  min_price: bigint;
  /** Free slots (capacity − active tasks); offers with none are left out. */
  capacity: number;
}

export interface PriceLevel {
  price: bigint;
  /** Requests at this max price (bids), or free prover slots at this min price (asks). */
  quantity: number;
}

export interface OrderBook {
  backend: string;
  /** Best (highest) first. */
  bids: PriceLevel[];
  /** Best (lowest) first. */
  asks: PriceLevel[];
  best_bid: bigint | null;
  best_ask: bigint | null;
  /** best_ask − best_bid; ≤ 0 when the book is crossed. `null` if a side is empty. */
  spread: bigint | null;
  /** Some request's max ≥ some ask's min: at least one match is possible now. */
  crossed: boolean;
}

function levels(entries: Array<{ price: bigint; quantity: number }>, best: 'high' | 'low'): PriceLevel[] {
  const byPrice = new Map<bigint, number>();
  for (const e of entries) if (e.quantity > 0) byPrice.set(e.price, (byPrice.get(e.price) ?? 0) + e.quantity);
  const sign = best === 'high' ? -1 : 1;
  return [...byPrice].map(([price, quantity]) => ({ price, quantity })).sort((a, b) => (a.price < b.price ? -sign : a.price > b.price ? sign : 0));
}

/**
 * The market depth for one backend: requests (bids) and prover offers (asks) grouped into price levels.
 * A request matches an ask when its max_price ≥ the ask's min_price.
 *
 * @example orderBook([{ request_id: 'r', backend: 'groth16', max_price: 100n }],
 *                    [{ prover_id: 'p', backend: 'groth16', min_price: 80n, capacity: 2 }], 'groth16')
 *   // bids [{100n,1}], asks [{80n,2}], best_bid 100n, best_ask 80n, spread -20n, crossed true
 */
export function orderBook(requests: readonly BookRequest[], asks: readonly BookAsk[], backend: string): OrderBook {
  const bids = levels(requests.filter((r) => r.backend === backend).map((r) => ({ price: r.max_price, quantity: 1 })), 'high');
  const offers = levels(asks.filter((a) => a.backend === backend).map((a) => ({ price: a.min_price, quantity: a.capacity })), 'low');
  const bestBid = bids[0]?.price ?? null;
  const bestAsk = offers[0]?.price ?? null;
  const spread = bestBid === null || bestAsk === null ? null : bestAsk - bestBid;
  return { backend, bids, asks: offers, best_bid: bestBid, best_ask: bestAsk, spread, crossed: spread !== null && spread <= 0n };
}

/**
 * The nearest-rank percentile: the smallest value with at least p% of the values at or below it, i.e.
 * sorted[ceil(p/100 × n) − 1] (rank at least 1). Always one of the values, so a price stays an amount.
 * `null` for no values. `p` is an integer 0..100.
 */
export function percentile(values: readonly bigint[], p: number): bigint | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100));
  return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}

/**
 * What to offer, from recent clearing prices: p50 is a typical price, p90 one that clears nine times in
 * ten. `null` with no history.
 *
 * @example suggestedPrice([10n, 20n, 30n, 40n, 50n, 60n, 70n, 80n, 90n, 100n]) // { p50: 50n, p90: 90n, count: 10 }
 */
export function suggestedPrice(recentClearingPrices: readonly bigint[]): { p50: bigint; p90: bigint; count: number } | null {
  const p50 = percentile(recentClearingPrices, 50);
  const p90 = percentile(recentClearingPrices, 90);
  return p50 === null || p90 === null ? null : { p50, p90, count: recentClearingPrices.length };
}
