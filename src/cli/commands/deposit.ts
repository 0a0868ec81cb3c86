import { CHAIN_MONEY_HELP, CHAIN_MONEY_OPTIONS, runOnChain } from '../chain-money.ts';
import { parse } from '../args.ts';
import { usage } from '../errors.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, money, openContext } from '../context.ts';
import { accountText, amountArgument, unsignedAccount } from './balance.ts';

export const help = `proofmarket deposit — put money into your balance (POST /v1/accounts/deposit)

Your balance pays for your requests: a request escrows its maximum price from it (a short balance is refused
with insufficient_funds, exit 1). Until deposits are backed on chain, a deposit is recorded on trust.

Usage:
  proofmarket deposit <amount>

  amount          integer base units (e.g. 1000000)

Options:
  --address A     without a key, on an --open coordinator: whose balance (an EVM address); with a key,
                  always the key's address

${CHAIN_MONEY_HELP}

${GLOBAL_HELP}

Example:
  proofmarket deposit 5000000`;

const OPTIONS = { ...GLOBAL_OPTIONS, ...CHAIN_MONEY_OPTIONS, address: { type: 'string' } } as const;

export async function run(argv: string[]): Promise<void> {
  amountArgument(argv, undefined, 'deposit');
  const { values: v, positionals } = parse(argv, OPTIONS, true);
  if (v.help) return void console.log(help);
  const amount = amountArgument(argv, positionals, 'deposit')!;
  const onChain = await runOnChain(v, (m) => ({
    send: () => m.deposit(BigInt(amount)),
    after: async () => {
      const balance = (await m.balanceOf()).toString();
      return { text: `deposited ${amount} wei into ${m.address}'s ProofMarket balance (now ${balance} wei)`, doc: { balance } };
    },
  }));
  if (onChain) return;
  const ctx = await openContext(v);
  const address = unsignedAccount(ctx, v.address);
  if (address !== undefined && !/^0x[0-9a-f]{40}$/.test(address)) {
    throw usage(`an unsigned deposit must name an EVM address (--address 0x…), not "${address}": sign with a key (proofmarket keys new), or on an --open coordinator use proofmarket faucet <amount> for a name`);
  }
  const view = await guard(() => ctx.client.deposit(amount, address === undefined ? {} : { address }));
  emit(ctx, view, () => (ctx.quiet ? view.balance : `deposited ${money(amount)} into ${view.address}'s balance (off-chain ledger)\n${accountText(view)}`));
}
