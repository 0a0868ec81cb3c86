import { CHAIN_MONEY_HELP, CHAIN_MONEY_OPTIONS, runOnChain } from '../chain-money.ts';
import { parse } from '../args.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, idOption, money, openContext } from '../context.ts';
import { accountText, amountArgument, unsignedAccount } from './balance.ts';

export const help = `proofmarket withdraw — take money out of your balance, or out of a prover's earnings (POST /v1/accounts/withdraw)

Without --prover-id, from your balance (what escrow, refunds and paid-out unstakes leave there). With
--prover-id, from the earnings of a prover you own (its verified proofs' pay, less the protocol fee): only its
owner's key may. More than there is fails with insufficient_funds (exit 1) and nothing moves.

Usage:
  proofmarket withdraw <amount> [--prover-id P]

  amount           integer base units
  --prover-id P    withdraw this prover's earnings (you must own it)
  --address NAME   without a key, on an --open coordinator: whose balance (default $PROOFMARKET_REQUESTER,
                   else your login name)

${CHAIN_MONEY_HELP}

${GLOBAL_HELP}

Examples:
  proofmarket withdraw 250000
  proofmarket withdraw 1000000 --prover-id my_prover`;

const OPTIONS = { ...GLOBAL_OPTIONS, ...CHAIN_MONEY_OPTIONS, 'prover-id': { type: 'string' }, address: { type: 'string' } } as const;

export async function run(argv: string[]): Promise<void> {
  amountArgument(argv, undefined, 'withdraw');
  const { values: v, positionals } = parse(argv, OPTIONS, true);
  if (v.help) return void console.log(help);
  const amount = amountArgument(argv, positionals, 'withdraw')!;
  const onChain = v['prover-id'] === undefined && await runOnChain(v, (m) => ({
    send: () => m.withdraw(BigInt(amount)),
    after: async () => {
      const balance = (await m.balanceOf()).toString();
      return { text: `withdrew ${amount} wei from ${m.address}'s ProofMarket balance to the address (now ${balance} wei)`, doc: { balance } };
    },
  }));
  if (onChain) return;
  const proverId = idOption(v['prover-id'], 'prover-id');
  const ctx = await openContext(v);
  const address = unsignedAccount(ctx, v.address);
  // (address: only unsigned, where the body names whose balance)
  const body: { prover_id?: string; address?: string } = { ...(proverId ? { prover_id: proverId } : {}), ...(address === undefined ? {} : { address }) };
  const view = await guard(() => ctx.client.withdraw(amount, body));
  emit(ctx, view, () => {
    if (ctx.quiet) return proverId ? (view.provers.find((p) => p.prover_id === proverId)?.earnings ?? '0') : view.balance;
    const from = proverId ? `the earnings of ${proverId}` : `${view.address}'s balance`;
    return `withdrew ${money(amount)} from ${from} (off-chain ledger)\n${accountText(view)}`;
  });
}
