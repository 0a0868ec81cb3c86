/**
 * A request settled on ProofMarket, from the requester's side (what `proofmarket request --chain-…` does; an
 * SDK user in Node calls `requestOnChain` with its ProofMarketClient and a ChainMarket of the same key):
 *
 *  1. the public signals a correct proof must carry are computed here, from the input and the program's
 *     artifacts (not taken from the coordinator's word), and committed to: keccak256 of them;
 *  2. `createRequest` escrows the max price on ProofMarket (from the requester's ProofMarket balance, the rest
 *     sent with the transaction), signed with the requester's key;
 *  3. the same request is submitted to the coordinator, which opens its auction once its indexer has applied
 *     the `RequestCreated` event (until then it answers chain_escrow_missing, and this retries).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestView, SubmitRequestInput } from '../api/index.ts';
import { encodingOf } from '../proofs/programs.ts';
import type { ProofMarketClient } from '../sdk/client.ts';
import { ProofMarketError } from '../sdk/errors.ts';
import type { ChainMarket, SentTransaction } from './market-client.ts';
import { chainRequestTerms, type ChainRequestTerms } from './requests.ts';

/** The coordinator's default deadline, used on chain when the request names none. */
export const DEFAULT_CHAIN_DEADLINE_MINUTES = 60;

export interface ChainRequestResult {
  view: RequestView;
  terms: ChainRequestTerms;
  tx: SentTransaction;
  /** Wei sent with createRequest (the part of the max price the ProofMarket balance did not cover). */
  value: bigint;
}

export interface RequestOnChainOptions {
  /** How long to wait for the coordinator to index the escrow (default 60 s). */
  indexWaitMs?: number;
  now?: () => Date;
}

export async function requestOnChain(client: ProofMarketClient, market: ChainMarket, body: SubmitRequestInput, opts: RequestOnChainOptions = {}): Promise<ChainRequestResult> {
  if (body.program_id === undefined) throw new Error('on a chain a request names a program (--program-id): zkML models are not verified on chain');
  const requestId = body.request_id ?? randomUUID();
  const minutes = body.deadline ?? DEFAULT_CHAIN_DEADLINE_MINUTES;
  const now = (opts.now ?? (() => new Date()))();
  const program = await client.getProgram(body.program_id);
  const input = new Uint8Array(Buffer.from(body.input, 'base64'));
  const expectedSignals = await encodingOf(program.input_encoding).expectedPublicSignals(input, {
    wasm: () => client.downloadArtifact(program.program_id, 'wasm'),
    nPublic: program.n_public,
  });
  const maxPrice = BigInt(body.max_price);
  const terms = chainRequestTerms({
    requestId,
    programId: program.program_id,
    maxPrice,
    deadline: new Date(now.getTime() + minutes * 60_000),
    minStake: BigInt(body.min_stake ?? '0'),
    expectedSignals,
  });
  const balance = await market.balanceOf();
  const value = maxPrice > balance ? maxPrice - balance : 0n;
  const tx = await market.createRequest(terms, value);
  const view = await submitOnceIndexed(client, { ...body, request_id: requestId, deadline: minutes }, opts.indexWaitMs ?? 60_000);
  return { view, terms, tx, value };
}

/** Submits, retrying while the coordinator has not applied the escrow's event yet. */
async function submitOnceIndexed(client: ProofMarketClient, body: SubmitRequestInput, waitMs: number): Promise<RequestView> {
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      return await client.submitRequest(body);
    } catch (err) {
      if (!(err instanceof ProofMarketError && err.code === 'chain_escrow_missing') || Date.now() > until) throw err;
      await sleep(250);
    }
  }
}
