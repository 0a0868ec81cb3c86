import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sealedCommitment } from '../../domain/market/sealed.ts';
import { ConnectionError, ProofMarketError } from '../../sdk/client.ts';
import type { AuctionActionResult } from '../../api/index.ts';
import { parse } from '../args.ts';
import { CliError, usage, fileError } from '../errors.ts';
import { amountOption, emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, idOption, money, note, openContext, positionalArgs, proofmarketHome, required, toCliError, type Context } from '../context.ts';

export const help = `proofmarket bid — bid for a request by hand, as a prover

  proofmarket bid <request_id> --prover-id P --fee N            a bid (weighted) or a take (fixed)
  proofmarket bid <request_id> --prover-id P --fee N --commit   sealed, bidding phase: commit to the fee
  proofmarket bid <request_id> --reveal [--prover-id P]         sealed, reveal phase: open the commitment
  proofmarket bid <request_id> --prover-id P --lock             rising: take it at the current price

A sealed commitment is sha256 of ["proofmarket/sealed-bid/v1", request_id, prover_id, fee, nonce]. --commit
makes a random nonce and keeps the fee and nonce in ~/.proofmarket/bids/ (or $PROOFMARKET_HOME/bids/, mode
0600) before it sends anything, so a later --reveal, in another shell or after a reboot, can open it; the
file is removed once the reveal is accepted. A refused action exits 1 with the market's reason
(price_above_max, phase_closed, capacity_full, …).

Options:
  --prover-id P   the prover bidding (with a key, one the key owns or may submit for)
  --fee N         the fee asked, base units
  --commit        sealed: commit instead of bidding in the clear
  --reveal        sealed: reveal the commitment made earlier with --commit
  --lock          rising: lock at the current price

${GLOBAL_HELP}

Example:
  proofmarket bid 660e8400-e29b-41d4-a716-446655440001 --prover-id my_prover --fee 1500000 --commit`;

const OPTIONS = {
  ...GLOBAL_OPTIONS,
  'prover-id': { type: 'string' },
  fee: { type: 'string' },
  commit: { type: 'boolean' },
  reveal: { type: 'boolean' },
  lock: { type: 'boolean' },
} as const;

/** What --commit keeps for --reveal. */
export interface SealedBidState {
  request_id: string;
  prover_id: string;
  fee: string;
  nonce: string;
  commitment: string;
  coordinator: string;
  committed_at: string;
}

export const bidsDir = () => join(proofmarketHome(), 'bids');
const stateFile = (requestId: string, proverId: string) => join(bidsDir(), `${requestId}__${proverId}.json`);

export async function run(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse(argv, OPTIONS, true);
  if (v.help) return void console.log(help);
  const [requestId] = positionalArgs(positionals, ['request_id'], 'bid');
  idOption(requestId, 'request_id');
  const modes = (['commit', 'reveal', 'lock'] as const).filter((m) => v[m]);
  if (modes.length > 1) throw usage(`--${modes[0]} and --${modes[1]} do not go together`);
  const mode = modes[0] ?? 'bid';
  const proverId = idOption(v['prover-id'], 'prover-id');
  const fee = amountOption(v.fee, 'fee');
  if ((mode === 'reveal' || mode === 'lock') && fee !== undefined) {
    throw usage(mode === 'reveal' ? '--reveal sends the fee committed to; drop --fee' : '--lock takes the current price; drop --fee');
  }
  if (mode === 'bid' || mode === 'commit') required(fee, 'fee', 'bid');
  if (mode !== 'reveal') required(proverId, 'prover-id', 'bid');
  const ctx = await openContext(v);
  const id = requestId!;

  switch (mode) {
    case 'bid': {
      const r = await guard(() => ctx.client.bid(id, { prover_id: proverId!, fee: fee! }));
      return report(ctx, 'bid', id, proverId!, r);
    }
    case 'lock': {
      const r = await guard(() => ctx.client.lock(id, proverId!));
      return report(ctx, 'lock', id, proverId!, r);
    }
    case 'commit':
      return commit(ctx, id, proverId!, fee!);
    case 'reveal':
      return reveal(ctx, id, proverId);
  }
}

async function commit(ctx: Context, requestId: string, proverId: string, fee: string): Promise<void> {
  const file = stateFile(requestId, proverId);
  if (existsSync(file)) {
    throw new CliError('already_committed', `${proverId} already committed to a sealed bid for ${requestId} (kept in ${file}): reveal it with proofmarket bid ${requestId} --reveal --prover-id ${proverId}`);
  }
  const nonce = randomBytes(16).toString('hex');
  const commitment = sealedCommitment({ request_id: requestId, prover_id: proverId, fee: BigInt(fee), nonce });
  const state: SealedBidState = { request_id: requestId, prover_id: proverId, fee, nonce, commitment, coordinator: ctx.coordinatorUrl, committed_at: new Date().toISOString() };
  // Kept before sending: if the answer is lost, the commitment may stand, and only this file can open it.
  try {
    mkdirSync(bidsDir(), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  } catch (err) {
    throw fileError(`the sealed bid's nonce file ${file}`, err, 'write');
  }
  let r: AuctionActionResult;
  try {
    r = await ctx.client.commit(requestId, { prover_id: proverId, commitment });
  } catch (err) {
    if (err instanceof ProofMarketError) rmSync(file, { force: true }); // refused: no commitment stands
    if (err instanceof ConnectionError) note(ctx, `the commitment may or may not have arrived; its fee and nonce stay in ${file} for --reveal`);
    throw toCliError(err);
  }
  report(ctx, 'commit', requestId, proverId, r, { commitment, state_file: file });
  if (!ctx.json) {
    const closes = await ctx.client.getAuction(requestId).then((a) => a.reveal_closes_at && ` between ${a.bid_closes_at} and ${a.reveal_closes_at}`, () => '');
    note(ctx, `reveal it${closes || ''} with: proofmarket bid ${requestId} --reveal --prover-id ${proverId}`);
  }
}

async function reveal(ctx: Context, requestId: string, proverId: string | undefined): Promise<void> {
  let file: string;
  if (proverId !== undefined) {
    file = stateFile(requestId, proverId);
    if (!existsSync(file)) throw new CliError('no_sealed_bid', `no sealed bid of ${proverId} for ${requestId} in ${bidsDir()}: commit with --commit first (on this machine, with the same PROOFMARKET_HOME)`);
  } else {
    const mine = existsSync(bidsDir()) ? readdirSync(bidsDir()).filter((f) => f.startsWith(`${requestId}__`) && f.endsWith('.json')) : [];
    if (mine.length === 0) throw new CliError('no_sealed_bid', `no sealed bid for ${requestId} in ${bidsDir()}: commit with --commit first (on this machine, with the same PROOFMARKET_HOME)`);
    if (mine.length > 1) throw usage(`several sealed bids for ${requestId} are kept (${mine.map((f) => f.slice(requestId.length + 2, -5)).join(', ')}): give --prover-id`);
    file = join(bidsDir(), mine[0]!);
  }
  let state: SealedBidState;
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as SealedBidState;
  } catch (err) {
    throw fileError(`the sealed bid ${file}`, err);
  }
  const r = await guard(() => ctx.client.reveal(requestId, { prover_id: state.prover_id, fee: state.fee, nonce: state.nonce }));
  rmSync(file, { force: true });
  report(ctx, 'reveal', requestId, state.prover_id, r, { fee: state.fee });
}

function report(ctx: Context, action: string, requestId: string, proverId: string, r: AuctionActionResult, extra: Record<string, unknown> = {}): void {
  emit(ctx, { action, request_id: requestId, prover_id: proverId, ...extra, ...r }, () => {
    if (ctx.quiet) return r.assigned ? 'assigned' : 'accepted';
    const won = r.assigned ? `; ${proverId} won the request${r.price ? ` at ${money(r.price)}` : ''}` : '';
    return `${action} accepted (auction phase ${r.phase})${won}`;
  });
}
