import { CHAIN_MONEY_HELP, CHAIN_MONEY_OPTIONS, runOnChain } from '../chain-money.ts';
import { parse } from '../args.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, idOption, money, openContext, required } from '../context.ts';
import { amountArgument } from './balance.ts';
import { stakeText } from './stake.ts';

export const help = `proofmarket unstake — start taking stake back from a prover you own (POST /v1/provers/:id/unstake)

Moves free stake to "unstaking": it stays slashable until the coordinator's unstake delay (serve
--unstake-delay, 24 h by default) has passed, then the coordinator pays it into the owner's balance by itself
(nothing more to run). Prints when it becomes available. Only free stake can be unstaken (locked stake is
released when the requests holding it end); more than is free fails with insufficient_funds (exit 1).

Usage:
  proofmarket unstake <amount> --prover-id P

${CHAIN_MONEY_HELP}

${GLOBAL_HELP}

Example:
  proofmarket unstake 500000 --prover-id my_prover`;

const OPTIONS = { ...GLOBAL_OPTIONS, ...CHAIN_MONEY_OPTIONS, 'prover-id': { type: 'string' } } as const;

export async function run(argv: string[]): Promise<void> {
  amountArgument(argv, undefined, 'unstake');
  const { values: v, positionals } = parse(argv, OPTIONS, true);
  if (v.help) return void console.log(help);
  const amount = amountArgument(argv, positionals, 'unstake')!;
  const onChain = await runOnChain(v, (m) => ({
    send: () => m.requestUnstake(BigInt(amount)),
    after: async () => {
      const s = await m.stakeOf();
      return { text: `unstaking ${amount} wei of ${m.address}'s stake (completeUnstake after the unstake delay; unstaking ${s.unstaking} wei)`, doc: { free: s.free.toString(), unstaking: s.unstaking.toString() } };
    },
  }));
  if (onChain) return;
  const proverId = required(idOption(v['prover-id'], 'prover-id'), 'prover-id', 'unstake');
  const ctx = await openContext(v);
  const view = await guard(() => ctx.client.unstake(proverId, amount));
  // the unstake just started: the newest (highest id)
  const unstake = view.unstakes.reduce<(typeof view.unstakes)[number] | undefined>((a, u) => (a === undefined || BigInt(u.unstake_id) > BigInt(a.unstake_id) ? u : a), undefined);
  const availableAt = unstake?.available_at ?? null;
  emit(ctx, { ...view, unstake: unstake ?? null, available_at: availableAt }, () => {
    if (ctx.quiet) return availableAt ?? '';
    const when = availableAt ? `available at ${availableAt} (${fromNow(availableAt)}); slashable until then, then paid into the owner's balance` : 'the coordinator did not say when it becomes available';
    return `unstaking ${money(amount)} from ${proverId}: ${when} (off-chain ledger)\n${stakeText(view)}`;
  });
}

/** "in 24 h", "in 5 min", "in 30 s", "now". */
export function fromNow(iso: string, now = Date.now()): string {
  const s = Math.round((Date.parse(iso) - now) / 1000);
  if (s <= 0) return 'now';
  if (s < 120) return `in ${s} s`;
  if (s < 2 * 3600) return `in ${Math.round(s / 60)} min`;
  if (s < 2 * 86400) return `in ${Math.round(s / 3600)} h`;
  return `in ${Math.round(s / 86400)} days`;
}
