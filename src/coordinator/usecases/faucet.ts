import { invalid } from '../../domain/errors.ts';
import { parseAmount } from '../../domain/money.ts';
import type { Caller, MarketDeps } from './deps.ts';
import { refuseInChainMode } from './support.ts';
import type { AccountView } from './ledger-queries.ts';
import { namedParticipant } from './callers.ts';

/** `POST /v1/accounts/faucet`, after schema validation. */
export interface FaucetParameters {
  /** As sent: a decimal string or a safe integer. Parsed after the caller is checked, so a refused call says so first. */
  amount: string | number;
  /** Whose balance (an address or a participant id); default: the signer. */
  address?: string;
}
/** The account after the grant. */
export type FaucetReturnType = AccountView;
/** 400 faucet_closed (not --open), faucet_limit, invalid_request (no one named), invalid_amount, negative_amount. */
export type FaucetErrorCode = 'faucet_closed' | 'faucet_limit' | 'invalid_request' | 'invalid_amount' | 'negative_amount';

/**
 * Dev mode (--open) only: free funds for anyone, at most the faucet's limit per call. Anyone may call it,
 * for anyone: nothing it grants is real money.
 */
export async function faucet(deps: Pick<MarketDeps, 'config' | 'economy'>, input: FaucetParameters, caller: Caller): Promise<FaucetReturnType> {
  refuseInChainMode(deps.config, 'fund your address on the chain and send deposit()');
  if (!deps.config.open) throw invalid('faucet_closed', 'the faucet exists only on a coordinator started with --open (dev mode)');
  const who = namedParticipant(input.address) ?? caller.signer ?? '';
  if (!who) throw invalid('invalid_request', 'body is missing the field "address"');
  await deps.economy.deposit(who, parseAmount(input.amount, 'amount'), 'faucet');
  return deps.economy.account(who);
}
