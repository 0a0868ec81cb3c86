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

${GLOBAL_HELP}

Example:
  proofmarket deposit 5000000`;

const OPTIONS = { ...GLOBAL_OPTIONS, address: { type: 'string' } } as const;

export async function run(argv: string[]): Promise<void> {
  amountArgument(argv, undefined, 'deposit');
  const { values: v, positionals } = parse(argv, OPTIONS, true);
  if (v.help) return void console.log(help);
  const amount = amountArgument(argv, positionals, 'deposit')!;
  const ctx = await openContext(v);
  const address = unsignedAccount(ctx, v.address);
  if (address !== undefined && !/^0x[0-9a-f]{40}$/.test(address)) {
    throw usage(`an unsigned deposit must name an EVM address (--address 0x…), not "${address}": sign with a key (proofmarket keys new), or on an --open coordinator use proofmarket faucet <amount> for a name`);
  }
  const view = await guard(() => ctx.client.deposit(amount, address === undefined ? {} : { address }));
  emit(ctx, view, () => (ctx.quiet ? view.balance : `deposited ${money(amount)} into ${view.address}'s balance\n${accountText(view)}`));
}
