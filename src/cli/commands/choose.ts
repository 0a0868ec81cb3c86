import { parse } from '../args.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, idOption, money, openContext, positionalArgs } from '../context.ts';
import { usage } from '../errors.ts';

export const help = `proofmarket choose — pick a bid on a requester_choice request of yours (POST /v1/auctions/:id/choice)

The bid's prover is assigned the request at the bid's fee (its stake is locked as for any win) and the rest
of your escrow comes back when the request settles. Signed with the requester's key, always. A withdrawn
bid (bid_withdrawn), an unknown one (bid_not_found), another's request (not_requester) or a round already
decided (phase_closed) is refused (exit 1).

Usage:
  proofmarket choose <request_id> <bid_id>

${GLOBAL_HELP}

Example:
  proofmarket choose 660e8400-e29b-41d4-a716-446655440001 1-2    (a bid id from proofmarket bids <request_id>)`;

const OPTIONS = { ...GLOBAL_OPTIONS } as const;

export async function run(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse(argv, OPTIONS, true);
  if (v.help) return void console.log(help);
  const [id, bid] = positionalArgs(positionals, ['request_id', 'bid_id'], 'choose');
  const requestId = idOption(id, 'request_id')!;
  if (!/^[1-9][0-9]{0,5}-[0-9]{1,7}$/.test(bid!)) throw usage(`<bid_id> is <round>-<seq> as proofmarket bids shows it (e.g. 1-2), got "${bid}"`);
  const ctx = await openContext(v);
  const r = await guard(() => ctx.client.chooseBid(requestId, bid!));
  emit(ctx, r, () => (ctx.quiet ? r.prover_id : `chose bid ${r.bid_id}: request ${r.request_id} is assigned to ${r.prover_id} at ${money(r.price)}`));
}
