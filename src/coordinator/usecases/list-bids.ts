import type { BidList } from '../../api/index.ts';
import { listBids as bidsOf } from '../auction-choice.ts';
import type { Caller, MarketDeps } from './deps.ts';

export type ListBidsReturnType = BidList;
export type ListBidsErrorCode = 'request_not_found' | 'auction_not_found' | 'not_requester' | 'wrong_mechanism' | 'signature_missing';

/**
 * The bids of a `requester_choice` request's current round, each with its prover's reputation and free
 * stake, for its requester to choose from. Signed by the requester (unsigned only on an open coordinator).
 */
export async function listBids(deps: MarketDeps, requestId: string, caller: Caller): Promise<ListBidsReturnType> {
  if (caller.signer === undefined) deps.access.requireOpen();
  return bidsOf(deps.auctions, requestId, caller.signer);
}
