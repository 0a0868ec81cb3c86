import { parseAmount } from '../../domain/money.ts';
import type { Caller, MarketDeps } from './deps.ts';
import { refuseInChainMode } from './support.ts';
import type { StakeView } from './ledger-queries.ts';

/** `POST /v1/provers/:prover_id/stake`, after schema validation. */
export interface StakeParameters {
  prover_id: string;
  /** As sent: a decimal string or a safe integer. Parsed after the caller is checked, so a refused call says so first. */
  amount: string | number;
}
/** The prover's stake after it. */
export type StakeReturnType = StakeView;
/** 400 invalid_amount, negative_amount; 402 insufficient_funds; 403 not_owner; 404 prover_not_found; 401 signature_missing. */
export type StakeErrorCode = 'invalid_amount' | 'negative_amount' | 'insufficient_funds' | 'not_owner' | 'prover_not_found' | 'signature_missing';

/**
 * A prover's owner stakes collateral for it, from the owner's balance. Unsigned (--open only), the call acts
 * for the prover itself: a prover registered unsigned stakes from its own id's account.
 */
export async function stake(deps: Pick<MarketDeps, 'access' | 'economy' | 'config'>, input: StakeParameters, caller: Caller): Promise<StakeReturnType> {
  refuseInChainMode(deps.config, 'send stake(amount)');
  const owner = deps.access.ownerActor(caller);
  return deps.economy.stake(input.prover_id, owner, parseAmount(input.amount, 'amount'));
}
