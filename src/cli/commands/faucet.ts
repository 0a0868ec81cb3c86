import { ProofMarketError } from '../../sdk/client.ts';
import { parse } from '../args.ts';
import { CliError } from '../errors.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, money, openContext, requesterOf } from '../context.ts';
import { accountText, amountArgument } from './balance.ts';

export const help = `proofmarket faucet — free money, on a dev-mode coordinator only (POST /v1/accounts/faucet)

Only a coordinator started with serve --open (loopback only) has a faucet, and it grants a limited amount
per call. On any other coordinator it fails (exit 1, faucet_closed): use proofmarket deposit there.

Usage:
  proofmarket faucet <amount> [--address A]

  amount        integer base units
  --address A   whose balance (default: your key's address; without a key, $PROOFMARKET_REQUESTER, else your
                login name)

${GLOBAL_HELP}

Example:
  proofmarket faucet 1000000 --address alice`;

const OPTIONS = { ...GLOBAL_OPTIONS, address: { type: 'string' } } as const;

export async function run(argv: string[]): Promise<void> {
  amountArgument(argv, undefined, 'faucet');
  const { values: v, positionals } = parse(argv, OPTIONS, true);
  if (v.help) return void console.log(help);
  const amount = amountArgument(argv, positionals, 'faucet')!;
  const ctx = await openContext(v);
  // signed, the coordinator credits the signer unless told otherwise; unsigned, the body must name someone
  const address = v.address ?? (ctx.signer ? undefined : requesterOf(ctx, undefined));
  const view = await guard(async () => {
    try {
      return await ctx.client.faucet(amount, address);
    } catch (err) {
      // Signed: the coordinator says faucet_closed. Unsigned: a signed coordinator refuses the call before
      // the faucet sees it (signature_missing), which also means it is not in dev mode.
      if (err instanceof ProofMarketError && (err.code === 'faucet_closed' || err.code === 'signature_missing')) {
        throw new CliError('faucet_closed', `the coordinator at ${ctx.coordinatorUrl} is not in dev mode (the faucet exists only with serve --open); fund your balance with proofmarket deposit <amount>`);
      }
      throw err;
    }
  });
  emit(ctx, view, () => (ctx.quiet ? view.balance : `the faucet granted ${money(amount)} to ${view.address}\n${accountText(view)}`));
}
