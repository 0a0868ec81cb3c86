import type { ActionAccepted, AuctionActionInput } from '../auction-house.ts';
import type { Caller, MarketDeps } from './deps.ts';

export type PlaceBidParameters = AuctionActionInput;
export type PlaceBidReturnType = ActionAccepted;

/**
 * A prover's bid, sealed commitment, reveal or rising lock on a request's auction (or a take of a fixed
 * request), by its owner or one of its live submitters. A refusal is a 409 whose code is the reason.
 */
export async function placeBid(deps: MarketDeps, requestId: string, input: PlaceBidParameters, caller: Caller): Promise<PlaceBidReturnType> {
  await deps.access.authorizeProver(caller, input.prover_id);
  return deps.auctions.act(requestId, input);
}
