import type { ChoiceResult } from '../../api/index.ts';
import { MarketError } from '../../domain/errors.ts';
import { chooseBid as choose } from '../auction-choice.ts';
import type { Caller, MarketDeps } from './deps.ts';

export type ChooseBidReturnType = ChoiceResult;
export type ChooseBidErrorCode =
  | 'signature_missing' | 'request_not_found' | 'not_requester' | 'wrong_mechanism' | 'bid_not_found' | 'bid_withdrawn'
  | 'phase_closed' | 'capacity_full' | 'stake_insufficient' | 'stake_below_minimum';

/**
 * The requester of a `requester_choice` request picks one bid of the current round: that prover is assigned
 * at the bid's fee through the kernel (its stake locked, as for any win) and the round closes. Only a call
 * signed by the requester's key may choose, even on an open coordinator.
 */
export async function chooseBid(deps: MarketDeps, requestId: string, bidId: string, caller: Caller): Promise<ChooseBidReturnType> {
  if (caller.signer === undefined) throw new MarketError('unauthorized', 'signature_missing', "choosing a bid must be signed by the requester's key (even on an --open coordinator)");
  return choose(deps.auctions, requestId, bidId, caller.signer);
}
