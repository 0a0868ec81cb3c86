/** The market engine: pure auctions, eligibility, re-auction, reputation and order book. See README.md. */
export * from './types.ts';
export * from './eligibility.ts';
export * from './fixed.ts';
export * from './weighted.ts';
export * from './sealed.ts';
export * from './rising.ts';
export * from './auction.ts';
export * from './reauction.ts';
export * from './reputation.ts';
export * from './orderbook.ts';
export * from './claim.ts';
