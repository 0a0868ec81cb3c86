import { parseAmount } from '../../domain/money.ts';
import type { Caller, MarketDeps } from './deps.ts';
import { refuseInChainMode } from './support.ts';
import type { AccountView } from './ledger-queries.ts';
import { namedParticipant } from './callers.ts';

/** `POST /v1/accounts/withdraw`, after schema validation. */
export interface WithdrawParameters {
  /** As sent: a decimal string or a safe integer. Parsed after the caller is checked, so a refused call says so first. */
  amount: string | number;
  /** Withdraw this prover's earnings instead of the balance (its owner only). */
  prover_id?: string;
  /** Unsigned calls (--open) only: whose balance. A signed call withdraws for its signer. */
  address?: string;
}
/** The account after the withdrawal. */
export type WithdrawReturnType = AccountView;
/**
 * 400 invalid_amount, negative_amount, invalid_request (unsigned, no address); 402 insufficient_funds;
 * 403 signer_mismatch, not_owner; 404 prover_not_found; 401 signature_missing.
 */
export type WithdrawErrorCode =
  | 'invalid_amount'
  | 'negative_amount'
  | 'invalid_request'
  | 'insufficient_funds'
  | 'signer_mismatch'
  | 'not_owner'
  | 'prover_not_found'
  | 'signature_missing';

/** Money out of the caller's balance, or out of the earnings of a prover the caller owns. */
export async function withdraw(deps: Pick<MarketDeps, 'access' | 'economy' | 'config'>, input: WithdrawParameters, caller: Caller): Promise<WithdrawReturnType> {
  refuseInChainMode(deps.config, 'send withdraw(amount)');
  const who = deps.access.actor(caller, namedParticipant(input.address), 'address');
  await deps.economy.withdraw(who, parseAmount(input.amount, 'amount'), input.prover_id, caller.signer);
  return deps.economy.account(who);
}
