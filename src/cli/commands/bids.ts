import { parse } from '../args.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, idOption, money, openContext, positionalArgs, table } from '../context.ts';

export const help = `proofmarket bids — the bids on a requester_choice request of yours (GET /v1/auctions/:id/bids)

Lists the current round's bids, each with its id, the prover, its fee, the prover's reputation (stars; "-"
without history, counted as 2.5), its free stake (locked when it is assigned), the score the weighted rule
would give it, and whether it can be chosen now. Choose one with proofmarket choose <request_id> <bid_id>;
without a choice before the choice window ends, the weighted rule picks. Signed with the requester's key.

Usage:
  proofmarket bids <request_id>

${GLOBAL_HELP}

Example:
  proofmarket bids 660e8400-e29b-41d4-a716-446655440001`;

const OPTIONS = { ...GLOBAL_OPTIONS } as const;

export async function run(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse(argv, OPTIONS, true);
  if (v.help) return void console.log(help);
  const [id] = positionalArgs(positionals, ['request_id'], 'bids');
  const requestId = idOption(id, 'request_id')!;
  const ctx = await openContext(v);
  const list = await guard(() => ctx.client.listBids(requestId));
  emit(ctx, list, () => {
    if (ctx.quiet) return list.bids.map((b) => b.bid_id).join('\n');
    const head = `request ${list.request_id}, round ${list.round}: ${list.phase}; bids until ${list.bid_closes_at}, your choice until ${list.choice_closes_at ?? '-'} (max price ${money(list.max_price)})`;
    if (list.bids.length === 0) return `${head}\nno bids yet`;
    const rows = list.bids.map((b) => [
      b.bid_id,
      b.prover_name ? `${b.prover_id} (${b.prover_name})` : b.prover_id,
      money(b.fee),
      b.reputation === null ? '-' : b.reputation.toFixed(2),
      money(b.free_stake),
      b.score === null ? '-' : b.score.toFixed(4),
      b.eligible ? 'yes' : `no: ${b.reason}`,
    ]);
    return `${head}\n${table(['bid', 'prover', 'fee', 'reputation', 'free stake', 'score', 'choosable'], rows)}`;
  });
}
