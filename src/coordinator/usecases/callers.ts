import { participantId } from '../../domain/auth.ts';
import { MarketError } from '../../domain/errors.ts';
import type { Caller } from './deps.ts';

/** A participant named in a call (an address in any case, or a participant id), as the ledger names it. */
export const namedParticipant = (id: string | undefined): string | undefined => (id === undefined ? undefined : participantId(id));

/** The call's signer; 401 `signature_missing` for an unsigned call (for acts that need a signature even `--open`). */
export function requireSignature(caller: Caller, what: string): string {
  if (caller.signer === undefined) {
    throw new MarketError('unauthorized', 'signature_missing', `${what} must be signed: send the x-pm-* headers (see the SDK's Signer)`);
  }
  return caller.signer;
}
