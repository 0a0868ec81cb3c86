import { CHAIN_MONEY_HELP, CHAIN_MONEY_OPTIONS, runOnChain } from '../chain-money.ts';
import type { StakeView } from '../../api/index.ts';
import { parse } from '../args.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, idOption, money, openContext, required, table } from '../context.ts';
import { amountArgument } from './balance.ts';

export const help = `proofmarket stake — stake collateral for a prover you own, or show its stake

With an amount, moves it from your balance to the prover's free stake (POST /v1/provers/:id/stake; the
prover's owner only). Without one (or with "show"), prints the prover's stake (GET /v1/provers/:id/stake):
free, locked behind each request it holds, unstaking (with when each becomes available) and earnings.

A prover needs the market's minimum stake to bid at all, and free stake covering a request's min_stake (plus
the overcommit margin on what it already holds) to take it. Locked stake is slashed if the prover misses the
request's deadline.

Usage:
  proofmarket stake <amount> --prover-id P     stake (integer base units)
  proofmarket stake --prover-id P              show the stake (also: proofmarket stake show --prover-id P)

${CHAIN_MONEY_HELP}

${GLOBAL_HELP}

Examples:
  proofmarket stake 1000000 --prover-id my_prover
  proofmarket stake --prover-id my_prover --json`;

const OPTIONS = { ...GLOBAL_OPTIONS, ...CHAIN_MONEY_OPTIONS, 'prover-id': { type: 'string' } } as const;

export async function run(argv: string[]): Promise<void> {
  amountArgument(argv, undefined, 'stake');
  const { values: v, positionals } = parse(argv, OPTIONS, true);
  if (v.help) return void console.log(help);
  const show = positionals[0] === 'show';
  const amount = amountArgument(argv, show ? positionals.slice(1) : positionals, 'stake', { optional: true });
  // On chain the stake is the key's own (no prover id): the amount comes from its ProofMarket balance.
  const onChain = amount !== undefined && await runOnChain(v, (m) => ({
    send: () => m.stake(BigInt(amount)),
    after: async () => {
      const s = await m.stakeOf();
      return { text: `staked ${amount} wei for ${m.address} (free ${s.free}, locked ${s.locked}, unstaking ${s.unstaking} wei)`, doc: { free: s.free.toString(), locked: s.locked.toString(), unstaking: s.unstaking.toString() } };
    },
  }));
  if (onChain) return;
  const proverId = required(idOption(v['prover-id'], 'prover-id'), 'prover-id', 'stake');
  if (amount === undefined) {
    const ctx = await openContext(v, { signs: false });
    const view = await guard(() => ctx.client.stakeOf(proverId));
    return emit(ctx, view, () => (ctx.quiet ? view.stake : stakeText(view)));
  }
  const ctx = await openContext(v);
  const view = await guard(() => ctx.client.stake(proverId, amount));
  emit(ctx, view, () => (ctx.quiet ? view.stake : `staked ${money(amount)} for ${proverId} (off-chain ledger)\n${stakeText(view)}`));
}

export function stakeText(s: StakeView): string {
  const lines = [
    `${s.prover_id}  stake ${money(s.stake)} free · ${money(s.locked)} locked · ${money(s.unstaking)} unstaking · earnings ${money(s.earnings)}` +
      `  (the market's minimum to bid: ${money(s.min_stake_to_bid)})`,
  ];
  if (s.locks.length) {
    lines.push('', 'locked for', table(['request', 'amount', 'since'], s.locks.map((l) => [l.request_id, money(l.amount), l.locked_at])));
  }
  if (s.unstakes.length) {
    lines.push('', 'unstakes', table(['id', 'amount', 'requested', 'available', 'state'], s.unstakes.map((u) => [u.unstake_id, money(u.amount), u.requested_at, u.available_at, u.paid_at ? `paid ${u.paid_at}` : u.state])));
  }
  return lines.join('\n');
}
