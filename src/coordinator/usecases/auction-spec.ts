import { invalid } from '../../domain/errors.ts';
import type { AuctionSpec } from '../../domain/market/index.ts';
import { parseAmount } from '../../domain/money.ts';

/** A request's `auction` field as sent. */
export type AuctionInput = Record<string, unknown> & { mechanism: 'fixed' | 'weighted' | 'sealed' | 'rising' | 'requester_choice' };

/**
 * A request's auction spec with the defaults filled in (documented in the README): `fixed` stands until
 * the deadline; `weighted` collects bids for 5 s; `sealed` takes commitments for 5 s and reveals for 5 s;
 * `rising` starts at `min_price` (default 0), ramps to max over 10 s and takes locks for 30 s after the
 * ramp, a lock lasting the proof timeout; `requester_choice` collects bids for 10 s and waits 60 s more for
 * the requester's choice before the weighted rule (0.7 / 0.3) picks.
 */
export function auctionSpec(a: AuctionInput, maxPrice: bigint, untilDeadlineMs: number, proofTimeoutMs: number): AuctionSpec {
  const num = (k: string, d: number) => (typeof a[k] === 'number' ? (a[k] as number) : d);
  switch (a.mechanism) {
    case 'fixed':
      return { mechanism: 'fixed', bid_window_ms: num('bid_window_ms', untilDeadlineMs) };
    case 'weighted':
      return { mechanism: 'weighted', bid_window_ms: num('bid_window_ms', 5_000), price_weight: num('price_weight', 0.7), reputation_weight: num('reputation_weight', 0.3) };
    case 'requester_choice':
      return { mechanism: 'requester_choice', bid_window_ms: num('bid_window_ms', 10_000), choice_window_ms: num('choice_window_ms', 60_000), price_weight: num('price_weight', 0.7), reputation_weight: num('reputation_weight', 0.3) };
    case 'sealed':
      return { mechanism: 'sealed', bid_window_ms: num('bid_window_ms', 5_000), reveal_window_ms: num('reveal_window_ms', 5_000) };
    case 'rising': {
      const rampStart = num('ramp_start_ms', 0);
      const rampPeriod = num('ramp_period_ms', 10_000);
      const minPrice = a.min_price === undefined ? 0n : parseAmount(a.min_price as string | number, 'auction.min_price');
      if (minPrice > maxPrice) throw invalid('invalid_auction_terms', `auction.min_price ${minPrice} is above max_price ${maxPrice}`);
      return {
        mechanism: 'rising',
        bid_window_ms: num('bid_window_ms', rampStart + rampPeriod + 30_000),
        min_price: minPrice,
        ramp_start_ms: rampStart,
        ramp_period_ms: rampPeriod,
        lock_timeout_ms: num('lock_timeout_ms', proofTimeoutMs),
      };
    }
  }
}
