import { parseAmount } from '../../domain/money.ts';
import type { Caller, MarketDeps } from './deps.ts';
import { refuseInChainMode } from './support.ts';
import type { StakeView } from './ledger-queries.ts';

/** `POST /v1/provers/:prover_id/unstake`, after schema validation. */
export interface UnstakeParameters {
  prover_id: string;
  /** As sent: a decimal string or a safe integer. Parsed after the caller is checked, so a refused call says so first. */
  amount: string | number;
}
/** The prover's stake after it (the amount now under `unstakes`). */
export type UnstakeReturnType = StakeView;
/** 400 invalid_amount, negative_amount; 402 insufficient_funds (not that much free stake); 403 not_owner; 404 prover_not_found; 401 signature_missing. */
export type UnstakeErrorCode = 'invalid_amount' | 'negative_amount' | 'insufficient_funds' | 'not_owner' | 'prover_not_found' | 'signature_missing';

/**
 * A prover's owner starts unstaking free collateral: it stays slashable until the unstake delay has passed,
 * then the scheduler pays it to the owner.
 */
export async function unstake(deps: Pick<MarketDeps, 'access' | 'economy' | 'config'>, input: UnstakeParameters, caller: Caller): Promise<UnstakeReturnType> {
  refuseInChainMode(deps.config, 'send requestUnstake(amount)');
  const owner = deps.access.ownerActor(caller);
  return deps.economy.unstake(input.prover_id, owner, parseAmount(input.amount, 'amount'));
}
