import { readFileSync } from 'node:fs';
import type { AuctionTerms, Mechanism, PriorityName, RequestView, SubmitRequestInput } from '../../api/index.ts';
import { intOption, parse } from '../args.ts';
import { usage, fileError, requestEnded } from '../errors.ts';
import {
  amountOption, backendOption, emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, idOption, money, note, numberOption, oneOf, openContext,
  requesterOf, required, type Context,
} from '../context.ts';
import { follow, interrupted } from './status.ts';
import { requestOnChain } from '../../chain/requester.ts';
import type { ChainMarket } from '../../chain/market-client.ts';
import { CHAIN_MONEY_HELP, CHAIN_MONEY_OPTIONS, chainMarketFrom, onChainLine, sendOnChain } from '../chain-money.ts';
import { defaultProofFile, fetchProof, saveProof } from './proof.ts';

export const help = `proofmarket request — ask the market for a proof (POST /v1/requests)

Sends the input file's bytes (base64) with the market terms. The coordinator checks the backend is installed,
the program exists and is proved with that backend, and the input fits the program, before anything is stored.
With --wait, follows the request live until its proof is verified, then saves the proof.

Options:
  --program-id ID          the program to prove (proofmarket programs list)
  --model NAME             zkML: prove an inference of this model instead (its latest version; backend ezkl)
  --input FILE             with --model: the model input, JSON {"input_data": [[…]]} or an array of numbers
  --input-data FILE        the input: the file's bytes (- for stdin)
  --backend B              groth16 | plonk | fflonk | an external backend such as koalabear (default: the
                           program's own proof system)
  --priority P             low | normal | high | urgent (default normal)
  --max-price N            the most you pay, base units (default: the market's going price for the backend:
                           the 90th percentile of recent clearing prices, else the cheapest prover's base price,
                           else 0)
  --min-reputation STARS   only provers with at least this reputation (0-5, default 0)
  --min-stake N            stake the winner must have free, locked while it holds the request and slashed
                           if it misses the deadline (base units, default 0)
  --deadline MINUTES       how long the market has to deliver (default: the coordinator's)
  --privacy-level N        1-255 (default 1)
  --auction M              fixed | weighted | sealed | rising | requester_choice (default fixed)
    --bid-window-ms MS        weighted, sealed, rising: how long bids are taken
    --reveal-window-ms MS     sealed: how long reveals are taken
    --price-weight W          weighted: the weight of the price in the score
    --reputation-weight W     weighted: the weight of the reputation in the score
    --min-price N             rising: the price the ramp starts at
    --ramp-start-ms MS        rising: when the price starts to rise
    --ramp-period-ms MS       rising: how long it takes to reach --max-price
    --lock-timeout-ms MS      rising: how long a lock holds before it lapses
    --choice-window-ms MS     requester_choice: how long after bidding you may still choose (proofmarket bids,
                              proofmarket choose); then the weighted rule picks
  --allow-list IDS         only these provers (comma-separated)
  --subscription-id ID     use a subscription (proofmarket subscribe)
  --request-id ID          choose the request's id (default: a UUID); resending the same request is harmless
  --requester NAME         without a key: who asks (default $PROOFMARKET_REQUESTER, else your login name);
                           with a key it is the key's address
  --wait                   follow it until the proof is verified, then save it (Ctrl-C stops waiting only)
  --out FILE               with --wait: where to save the proof (default <request_id>.proof.json)

On a chain (a coordinator started with serve --chain-rpc): the request is escrowed on ProofMarket first —
createRequest(keccak256(request id), program, max price, deadline, min stake, keccak256 of the public signals
this input's proof must carry, computed here), signed with your key, paid from your ProofMarket balance and the
rest sent with it (amounts in wei) — then submitted; the coordinator opens its auction once it has seen the
escrow. The winner's stake is locked on chain and it is paid only by ProofMarket.fulfill with a valid proof.
${CHAIN_MONEY_HELP}

${GLOBAL_HELP}

Exit codes: 0 submitted (with --wait: proved and saved), 1 refused by the coordinator, 2 bad usage, 3 coordinator
unreachable, 4 unreadable input file, 5 bad key file, 7 (--wait) the request failed or expired, 130 Ctrl-C while
waiting.

Example:
  proofmarket request --program-id <program_id> --input-data input.bin --backend groth16 --priority high --max-price 2000000 --wait
  proofmarket request --model iris-mlp --input x.json --max-price 5000000 --wait`;

const OPTIONS = {
  ...GLOBAL_OPTIONS,
  ...CHAIN_MONEY_OPTIONS,
  'program-id': { type: 'string' },
  model: { type: 'string' },
  'input-data': { type: 'string' },
  input: { type: 'string' },
  backend: { type: 'string' },
  priority: { type: 'string' },
  'max-price': { type: 'string' },
  'min-reputation': { type: 'string' },
  'min-stake': { type: 'string' },
  deadline: { type: 'string' },
  'privacy-level': { type: 'string' },
  auction: { type: 'string' },
  'bid-window-ms': { type: 'string' },
  'reveal-window-ms': { type: 'string' },
  'price-weight': { type: 'string' },
  'reputation-weight': { type: 'string' },
  'min-price': { type: 'string' },
  'ramp-start-ms': { type: 'string' },
  'ramp-period-ms': { type: 'string' },
  'lock-timeout-ms': { type: 'string' },
  'choice-window-ms': { type: 'string' },
  'allow-list': { type: 'string' },
  'subscription-id': { type: 'string' },
  'request-id': { type: 'string' },
  requester: { type: 'string' },
  wait: { type: 'boolean' },
  out: { type: 'string', short: 'o' },
} as const;

type Values = ReturnType<typeof parse<typeof OPTIONS>>['values'];

/** Which mechanisms each auction parameter belongs to (docs/market-api.md). */
const AUCTION_PARAMS: Record<string, { key: keyof AuctionTerms; for: Mechanism[]; kind: 'ms' | 'weight' | 'amount' }> = {
  'bid-window-ms': { key: 'bid_window_ms', for: ['weighted', 'sealed', 'rising', 'requester_choice'], kind: 'ms' },
  'choice-window-ms': { key: 'choice_window_ms', for: ['requester_choice'], kind: 'ms' },
  'reveal-window-ms': { key: 'reveal_window_ms', for: ['sealed'], kind: 'ms' },
  'price-weight': { key: 'price_weight', for: ['weighted', 'requester_choice'], kind: 'weight' },
  'reputation-weight': { key: 'reputation_weight', for: ['weighted', 'requester_choice'], kind: 'weight' },
  'min-price': { key: 'min_price', for: ['rising'], kind: 'amount' },
  'ramp-start-ms': { key: 'ramp_start_ms', for: ['rising'], kind: 'ms' },
  'ramp-period-ms': { key: 'ramp_period_ms', for: ['rising'], kind: 'ms' },
  'lock-timeout-ms': { key: 'lock_timeout_ms', for: ['rising'], kind: 'ms' },
};

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parse(argv, OPTIONS);
  if (v.help) return void console.log(help);
  if (v.model !== undefined && v['program-id'] !== undefined) throw usage('give --program-id or --model, not both');
  const model = v.model !== undefined ? idOption(v.model, 'model') : undefined;
  const programId = model === undefined ? required(idOption(v['program-id'], 'program-id'), 'program-id', 'request') : undefined;
  const inputFile = required(v['input-data'] ?? v.input, 'input-data', 'request');
  if (v.out !== undefined && !v.wait) throw usage('--out saves the proof, which needs --wait (or use proofmarket proof <id> --out FILE later)');
  const terms = termsFromFlags(v);
  const input = readInput(inputFile);
  const chain = chainMarketFrom(v);
  if (chain && model !== undefined) throw usage('on a chain a request names a --program-id: ProofMarket verifies snarkjs proofs, not zkML models');
  const ctx = await openContext(v);
  const requester = requesterOf(ctx, v.requester);

  const view = await guard(async () => {
    const backend = terms.backend ?? (model !== undefined ? 'ezkl' : (await ctx.client.getProgram(programId!).catch(() => undefined))?.proof_system);
    if (backend === undefined) throw usage('--backend is required (the program was not found to take its proof system from); see proofmarket request --help');
    const going = terms.max_price === undefined ? await goingPrice(ctx, backend) : undefined;
    const body: SubmitRequestInput = { ...terms, requester, ...(model !== undefined ? { model } : { program_id: programId }), input: input.toString('base64'), backend, max_price: terms.max_price ?? going!.price };
    const submitted = chain ? await submitOnChain(ctx, chain, body) : await ctx.client.submitRequest(body);
    // Only now, so that a refused request prints its one error line and nothing else.
    if (going) note(ctx, `no --max-price given: offered ${money(going.price)} (${going.why})`);
    return submitted;
  });

  if (!v.wait) {
    emit(ctx, view, () => (ctx.quiet ? view.request_id : submittedText(view)));
    return;
  }
  note(ctx, submittedText(view));
  const final = await follow(ctx, view.request_id);
  if (final === 'interrupted') return interrupted(ctx, view.request_id);
  if (final.status !== 'completed') {
    if (ctx.json) emit(ctx, final, () => '');
    const last = final.history.at(-1);
    throw requestEnded(final.request_id, final.status, last ? `: ${last.cause}${last.detail?.reason ? ` (${String(last.detail.reason)})` : ''}` : '');
  }
  const proof = await fetchProof(ctx, final.request_id);
  const file = v.out ?? defaultProofFile(final.request_id);
  saveProof(file, proof);
  emit(ctx, { ...final, proof_file: file }, () =>
    ctx.quiet ? file : `request ${final.request_id} completed by ${final.assigned_prover ?? proof.prover_id}${final.price ? ` at ${money(final.price)}` : ''}; verified proof saved to ${file}`,
  );
}

/** Escrows on ProofMarket, then submits (src/chain/requester.ts); prints the transaction. */
async function submitOnChain(ctx: Context, chain: ChainMarket, body: SubmitRequestInput): Promise<RequestView> {
  const r = await sendOnChain(chain, () => requestOnChain(ctx.client, chain, body));
  note(ctx, `${onChainLine(r.tx)}: escrowed ${r.terms.maxPrice} wei as ProofMarket request ${r.terms.requestId} (sent ${r.value} wei, the rest from ${chain.address}'s balance); commitment ${r.terms.commitment}`);
  return r.view;
}

function submittedText(r: RequestView): string {
  return (
    `request ${r.request_id} submitted: ${r.status}\n` +
    `  program ${r.program_id} (${r.backend}) · max price ${money(r.max_price)} · priority ${r.priority} · ${r.mechanism}${r.mechanism === 'fixed' ? '' : ' auction'} · deadline ${r.deadline}\n` +
    `  follow it: proofmarket status ${r.request_id} --watch`
  );
}

/** The request's terms from the flags, checked here so that a typo is a usage error before anything is sent. */
function termsFromFlags(v: Values): Omit<SubmitRequestInput, 'requester' | 'program_id' | 'input' | 'backend' | 'max_price'> & { backend?: string; max_price?: string; min_stake?: string } {
  const mechanism = oneOf<Mechanism>(v.auction, 'auction', ['fixed', 'weighted', 'sealed', 'rising', 'requester_choice']);
  const auction: AuctionTerms | undefined = mechanism ? { mechanism } : undefined;
  for (const [flag, spec] of Object.entries(AUCTION_PARAMS)) {
    const raw = v[flag as keyof Values] as string | undefined;
    if (raw === undefined) continue;
    if (!auction || !spec.for.includes(auction.mechanism)) {
      throw usage(`--${flag} is a parameter of ${spec.for.join(', ')} auctions: add --auction ${spec.for[0]}`);
    }
    const value =
      spec.kind === 'ms' ? intOption(raw, flag, spec.key === 'ramp_start_ms' || spec.key === 'ramp_period_ms' ? 0 : 1, 604_800_000)
      : spec.kind === 'weight' ? numberOption(raw, flag, 0, 1000, 'a weight')
      : amountOption(raw, flag);
    (auction as unknown as Record<string, unknown>)[spec.key] = value;
  }
  const allow = v['allow-list']?.split(',').map((s) => s.trim());
  allow?.forEach((id) => idOption(id, 'allow-list'));
  const priority = oneOf<PriorityName>(v.priority, 'priority', ['low', 'normal', 'high', 'urgent']);
  const terms = {
    request_id: idOption(v['request-id'], 'request-id'),
    backend: backendOption(v.backend, 'backend'),
    max_price: amountOption(v['max-price'], 'max-price'),
    priority,
    min_reputation: numberOption(v['min-reputation'], 'min-reputation', 0, 5, 'stars'),
    min_stake: amountOption(v['min-stake'], 'min-stake'),
    deadline: numberOption(v.deadline, 'deadline', 0.001, 525_600, 'minutes'),
    privacy_level: intOption(v['privacy-level'], 'privacy-level', 1, 255),
    auction,
    allow_list: allow,
    subscription_id: idOption(v['subscription-id'], 'subscription-id'),
  };
  if (terms.deadline !== undefined && terms.deadline <= 0) throw usage('--deadline must be more than 0 minutes');
  return Object.fromEntries(Object.entries(terms).filter(([, x]) => x !== undefined)) as ReturnType<typeof termsFromFlags>;
}

function readInput(file: string): Buffer {
  try {
    return readFileSync(file === '-' ? 0 : file);
  } catch (err) {
    throw fileError(`--input-data ${file}`, err);
  }
}

/**
 * The default max price: what the market has been paying for this backend (p90 of the last day's clearing
 * prices), else the cheapest active prover's base price, else 0 (free provers only).
 */
async function goingPrice(ctx: Context, backend: string): Promise<{ price: string; why: string }> {
  let price = '0';
  let why = 'no prices or provers for this backend yet';
  try {
    const book = await ctx.client.orderBook(backend);
    if (book.suggested_price) {
      price = book.suggested_price.p90;
      why = `the 90th percentile of ${book.suggested_price.count} recent ${backend} prices`;
    } else if (book.best_ask !== null) {
      price = book.best_ask;
      why = `the cheapest ${backend} prover's base price`;
    }
  } catch {
    // The request itself reports what is wrong (e.g. an unknown backend).
  }
  return { price, why };
}
