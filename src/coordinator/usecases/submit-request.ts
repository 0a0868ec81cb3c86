import { conflict, forbidden, invalid, notFound, type MarketError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { submitted } from '../../domain/kernel/transitions.ts';
import { termsProblems, type RequestTerms } from '../../domain/market/index.ts';
import { parseAmount } from '../../domain/money.ts';
import type { RequestRecord } from '../../domain/request.ts';
import type { Queryable } from '../../store/db.ts';
import { applyPlan } from '../../store/plans.ts';
import * as subscriptions from '../../store/subscriptions.ts';
import type { StoredTerms } from '../auction-house.ts';
import { auctionSpec, type AuctionInput } from './auction-spec.ts';
import { chainEscrowOf } from './chain-escrow.ts';
import type { Caller, MarketDeps } from './deps.ts';
import { acceptOrConflict, hashOf, openGrant } from './support.ts';

/** `POST /v1/requests`, after schema validation. */
export interface SubmitRequestParameters {
  request_id?: string;
  /** Optional on a signed call (the signer pays); required on an unsigned one (--open). */
  requester?: string;
  /** One of program_id and model (a zkML model's name: its latest version). */
  program_id?: string;
  model?: string;
  input: Uint8Array;
  backend: string;
  privacy_level: number;
  priority: number;
  max_price: bigint;
  min_reputation: number;
  deadline_minutes?: number;
  auction: AuctionInput;
  allow_list?: string[];
  reauction?: { max_price_step?: string; max_price_ceiling?: string; min_reputation_step?: number; min_reputation_floor?: number } | null;
  subscription_id?: string;
  on_exhausted: 'error' | 'market';
  /** Stake the winner must have free, locked while it holds the request. */
  min_stake: bigint;
}
/** The request's id. */
export type SubmitRequestReturnType = string;
export type SubmitRequestErrorCode =
  | 'backend_not_installed' | 'program_not_found' | 'model_not_found' | 'program_or_model' | 'backend_mismatch' | 'input_too_large' | 'invalid_auction_terms' | 'invalid_amount'
  | 'subscription_not_found' | 'not_your_subscription' | 'subscription_expired' | 'subscription_exhausted'
  | 'insufficient_funds' | 'duplicate_request_id' | 'signer_mismatch' | 'signature_missing'
  | 'chain_escrow_missing' | 'chain_escrow_mismatch' | 'chain_terms_unsupported';

/**
 * A request with market terms: a program and backend, an input, a price ceiling, a reputation floor, an
 * auction mechanism, an optional allow list, re-auction policy or subscription. Validated in full before
 * anything is stored; escrowed (the most it can ever pay: its max price, or its re-auction ceiling); a
 * non-fixed request opens its first auction round in the same transaction. With --chain-rpc the escrow is
 * ProofMarket's (chain-escrow.ts): the request must be there already, and nothing is held off chain.
 */
export async function submitRequest(deps: MarketDeps, input: SubmitRequestParameters, caller: Caller): Promise<SubmitRequestReturnType> {
  const requester = deps.access.actor(caller, input.requester, 'requester');
  input = { ...input, requester };
  const requestId = input.request_id ?? newId();
  deps.backends.requireVerifier(input.backend);
  const program = await programOf(deps, input);
  if (program.proof_system !== input.backend) {
    throw invalid('backend_mismatch', `program ${program.program_id} (${program.name}) is proved with ${program.proof_system}, not ${input.backend}; use backend ${program.proof_system}`);
  }
  deps.programs.checkInputSize(program, input.input, 'the input');
  const now = deps.clock.now();
  const deadline = new Date(now.getTime() + (input.deadline_minutes !== undefined ? input.deadline_minutes * 60_000 : deps.config.taskDeadlineMs));
  const auction = auctionSpec(input.auction, input.max_price, deadline.getTime() - now.getTime(), deps.config.proofTimeoutMs);
  const reauction = reauctionPolicy(input);
  const terms: RequestTerms = {
    request_id: requestId,
    backend: input.backend,
    privacy_level: input.privacy_level,
    max_price: input.max_price,
    min_reputation: input.min_reputation,
    ...(input.allow_list ? { allow_list: input.allow_list } : {}),
    auction,
  };
  const problems = termsProblems(terms);
  if (problems.length > 0) throw invalid('invalid_auction_terms', `the auction terms are invalid: ${problems.join('; ')}`);
  const stored: StoredTerms = {
    auction: { ...auction, ...(auction.mechanism === 'rising' ? { min_price: auction.min_price.toString() } : {}) },
    reauction,
    ...(input.subscription_id ? { subscription_id: input.subscription_id, on_exhausted: input.on_exhausted } : {}),
  };
  const requestHash = hashOf({ ...input, input: Buffer.from(input.input).toString('base64'), request_id: requestId, max_price: input.max_price.toString(), min_stake: input.min_stake.toString() });
  const expected = await deps.programs.expectedSignals(program, input.input);
  let record = newRequest(input, { requestId, requester, program_id: program.program_id, expected, deadline, requestHash, stored, now });
  if (deps.config.chain) record = await onChain(deps, record, input, expected);
  const inserted = await deps.db.transaction(async (tx) => {
    if (input.subscription_id) {
      const sub = await subscriptionFor(tx, input, now);
      if (sub) {
        const underSubscription = { ...record, mechanism: 'subscription', max_price: 0n, reward_amount: 0n, allow_list: [sub.prover_id], min_reputation: 0 };
        if (!(await applyPlan(tx, submitted(underSubscription, { escrow: 0n, faucet: null }, now)))) return false;
        await subscriptions.useSubscription(tx, sub.subscription_id);
        return true;
      }
    }
    const ceiling = reauction ? BigInt(reauction.max_price_ceiling) : 0n;
    const escrow = deps.config.chain ? 0n : ceiling > input.max_price ? ceiling : input.max_price;
    if (!(await applyPlan(tx, submitted(record, { escrow, faucet: await openGrant(tx, caller, requester, escrow) }, now)))) return false;
    if (auction.mechanism !== 'fixed') await deps.auctions.openRound(tx, record, now, terms);
    return true;
  });
  await acceptOrConflict(deps, inserted, requestId, requestHash, 'duplicate_request_id', 'request');
  return requestId;
}

/**
 * A request escrowed on ProofMarket: its deadline is the chain's, and its stake is locked on chain by the
 * matchmaker's `lock` (so none off chain); its stored terms name ProofMarket's id of it.
 */
async function onChain(deps: MarketDeps, record: RequestRecord, input: SubmitRequestParameters, expected: string[]): Promise<RequestRecord> {
  const q = { requestId: record.task_id, requester: record.requester, programId: record.program_id, maxPrice: input.max_price, minStake: input.min_stake, expectedSignals: expected };
  const { terms, deadline } = await chainEscrowOf(deps, { ...q, subscription: input.subscription_id !== undefined, reauction: !!input.reauction });
  return { ...record, deadline, min_stake: 0n, terms: { ...record.terms, chain: terms } };
}

/** The program named by id, or a model's latest version; exactly one of the two. */
async function programOf(deps: MarketDeps, input: SubmitRequestParameters) {
  if ((input.program_id === undefined) === (input.model === undefined)) {
    throw invalid('program_or_model', 'name exactly one of program_id and model');
  }
  return input.model !== undefined ? deps.programs.forModel(input.model) : deps.programs.get(input.program_id!);
}

/** The new request's row, pending, from its validated parts. */
function newRequest(
  input: SubmitRequestParameters,
  r: { requestId: string; requester: string; program_id: string; expected: string[]; deadline: Date; requestHash: string; stored: StoredTerms; now: Date },
): RequestRecord {
  return {
    task_id: r.requestId,
    privacy_level: input.privacy_level,
    circuit_data: input.input,
    reward_amount: input.max_price,
    requester: r.requester,
    priority: input.priority,
    program_id: r.program_id,
    expected_public_signals: r.expected,
    status: 'pending',
    assigned_prover: null,
    assigned_at: null,
    attempts: 0,
    excluded_provers: [],
    deadline: r.deadline,
    request_hash: r.requestHash,
    created_at: r.now,
    updated_at: r.now,
    backend: input.backend,
    mechanism: input.auction.mechanism,
    max_price: input.max_price,
    min_reputation: input.min_reputation,
    allow_list: input.allow_list ?? null,
    terms: r.stored as unknown as Record<string, unknown>,
    price: null,
    handed_out: true,
    round: 0,
    min_stake: input.min_stake,
  };
}

function reauctionPolicy(input: SubmitRequestParameters): StoredTerms['reauction'] {
  if (!input.reauction) return null;
  return {
    max_price_step: parseAmount(input.reauction.max_price_step ?? '0', 'reauction.max_price_step').toString(),
    max_price_ceiling: parseAmount(input.reauction.max_price_ceiling ?? input.max_price.toString(), 'reauction.max_price_ceiling').toString(),
    min_reputation_step: input.reauction.min_reputation_step ?? 0,
    min_reputation_floor: input.reauction.min_reputation_floor ?? input.min_reputation,
  };
}

/** The subscription a request runs under, or undefined to go to the market instead (on_exhausted: market). */
async function subscriptionFor(tx: Queryable, input: SubmitRequestParameters, now: Date) {
  const sub = await subscriptions.getSubscription(tx, input.subscription_id!, true);
  if (!sub) throw notFound('subscription_not_found', `no subscription with id "${input.subscription_id}"`);
  if (sub.requester !== input.requester) throw forbidden('not_your_subscription', `subscription "${sub.subscription_id}" belongs to another requester`);
  let problem: MarketError | undefined;
  if (now.getTime() >= sub.ends_at.getTime()) problem = conflict('subscription_expired', `subscription "${sub.subscription_id}" ended at ${sub.ends_at.toISOString()}`);
  else if (sub.quota !== null && sub.used >= sub.quota) problem = conflict('subscription_exhausted', `subscription "${sub.subscription_id}" has used all ${sub.quota} proofs of its period`);
  if (!problem) return sub;
  if (input.on_exhausted === 'market') return undefined;
  throw problem;
}
