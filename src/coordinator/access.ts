import { forbidden, invalid, notFound, MarketError } from '../domain/errors.ts';
import { participantId } from '../domain/auth.ts';
import { mayActForProver } from '../store/auth.ts';
import type { Db, Queryable } from '../store/db.ts';
import { proverExists } from '../store/provers.ts';
import type { CoordinatorConfig } from './config.ts';

/**
 * Who is calling: the address that signed the call (verified by the auth hook), or undefined for an
 * unsigned call, which only a coordinator in --open mode lets through.
 */
export interface Caller {
  signer: string | undefined;
}

/** Who may act for whom: requesters for themselves, owners and live submitters for their provers, the operator. */
export class Access {
  /**
   * Provers' owners, learnt from authorizing their calls. A prover's owner is fixed at registration and never
   * changes, so a call its owner signed needs no query; submitters (who may be revoked) are always checked.
   */
  readonly #owners = new Map<string, string>();

  constructor(
    readonly db: Db,
    readonly config: Pick<CoordinatorConfig, 'open' | 'operatorAddress'>,
  ) {}

  /**
   * The participant a call acts as. Signed: the signer, and a participant the body names must be the signer.
   * Unsigned (only --open lets those through): whoever the body names.
   */
  actor(caller: Caller, named: string | undefined, field: string): string {
    if (caller.signer !== undefined) {
      if (named !== undefined && named.toLowerCase() !== caller.signer) throw forbidden('signer_mismatch', `${field} "${named}" is not the signer ${caller.signer}; a signed call acts for its signer only`);
      return caller.signer;
    }
    this.requireOpen();
    if (named === undefined) throw invalid('invalid_request', `body is missing the field "${field}" (an unsigned call must name who it acts for)`);
    return participantId(named);
  }

  /** The owner acting on its prover's stake: the signer, or (unsigned, --open) undefined, acting for the prover itself. */
  ownerActor(caller: Caller): string | undefined {
    if (caller.signer === undefined) this.requireOpen();
    return caller.signer;
  }

  requireOpen(): void {
    if (!this.config.open) throw new MarketError('unauthorized', 'signature_missing', 'this call must be signed (x-pm-address, x-pm-timestamp, x-pm-nonce, x-pm-signature); unsigned calls are taken only by a coordinator started with --open');
  }

  /**
   * May this caller act for the prover (poll, start, release, submit, bid, heartbeat)? Its owner or a live
   * submitter may; unsigned calls only in --open mode.
   */
  async authorizeProver(caller: Caller, proverId: string, q: Queryable = this.db): Promise<void> {
    if (caller.signer === undefined) return this.requireOpen();
    if (this.#owners.get(proverId) === caller.signer) return;
    const may = await mayActForProver(q, proverId, caller.signer, this.config.open);
    if (may === 'owner') {
      if (this.#owners.size >= 10_000) this.#owners.delete(this.#owners.keys().next().value!);
      this.#owners.set(proverId, caller.signer);
    }
    if (may) return;
    if (!(await proverExists(q, proverId))) throw notFound('prover_not_found', `no prover with id "${proverId}"; register it first`);
    throw forbidden('not_prover_agent', `${caller.signer} may not act for prover "${proverId}": it is neither its owner nor an authorized submitter`);
  }

  isOperator(caller: Caller): boolean {
    return caller.signer !== undefined && caller.signer === this.config.operatorAddress;
  }

  requireOperator(caller: Caller): string {
    if (!this.isOperator(caller)) {
      throw forbidden('operator_only', this.config.operatorAddress ? `only the market operator (${this.config.operatorAddress}) may do this` : 'only the market operator may do this, and this coordinator has none (start it with --operator ADDRESS)');
    }
    return caller.signer!;
  }
}
