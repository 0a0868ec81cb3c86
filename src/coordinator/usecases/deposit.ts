import { parseAmount } from '../../domain/money.ts';
import type { Caller, MarketDeps } from './deps.ts';
import { refuseInChainMode } from './support.ts';
import type { AccountView } from './ledger-queries.ts';
import { namedParticipant } from './callers.ts';

/** `POST /v1/accounts/deposit`, after schema validation. */
export interface DepositParameters {
  /** As sent: a decimal string or a safe integer. Parsed after the caller is checked, so a refused call says so first. */
  amount: string | number;
  /** Unsigned calls (--open) only: whose balance. A signed call deposits for its signer. */
  address?: string;
}
/** The account after the deposit. */
export type DepositReturnType = AccountView;
/** 400 invalid_amount, negative_amount, invalid_request (unsigned, no address); 403 signer_mismatch; 401 signature_missing. */
export type DepositErrorCode = 'invalid_amount' | 'negative_amount' | 'invalid_request' | 'signer_mismatch' | 'signature_missing';

/**
 * Money into the caller's balance. Until deposits are backed on chain a deposit is recorded on trust: it
 * enters the market from the `external` account.
 */
export async function deposit(deps: Pick<MarketDeps, 'access' | 'economy' | 'config'>, input: DepositParameters, caller: Caller): Promise<DepositReturnType> {
  refuseInChainMode(deps.config, 'send deposit()');
  const who = deps.access.actor(caller, namedParticipant(input.address), 'address');
  await deps.economy.deposit(who, parseAmount(input.amount, 'amount'));
  return deps.economy.account(who);
}
