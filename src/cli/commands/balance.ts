import type { AccountView } from '../../api/index.ts';
import { parse } from '../args.ts';
import { usage } from '../errors.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, idOption, money, openContext, positionalArgs, requesterOf, table, type Context } from '../context.ts';

export const help = `proofmarket balance — an account: its balance, and the stake and earnings of the provers it owns

Reads GET /v1/accounts/:address. Money is in integer base units.

Usage:
  proofmarket balance [address]

  address     whose account (default: your key's address; without a key, $PROOFMARKET_REQUESTER, else your
              login name: the name unsigned requests on an --open coordinator are made as)

For each prover the address owns: stake (free), locked (behind the requests it holds), unstaking (on its way
back to the owner's balance, still slashable) and earnings (withdraw them with proofmarket withdraw <amount>
--prover-id P). --json prints the coordinator's document, with the account's recent ledger entries.

${GLOBAL_HELP}

Example:
  proofmarket balance
  proofmarket balance 0x70997970c51812dc3a010c7d01b50e0d17dc79c8 --json`;

const OPTIONS = { ...GLOBAL_OPTIONS } as const;

export async function run(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse(argv, OPTIONS, true);
  if (v.help) return void console.log(help);
  if (positionals.length > 1) positionalArgs(positionals, ['address'], 'balance');
  const named = positionals[0] === undefined ? undefined : accountName(positionals[0]);
  // Reading needs no signature; the key is loaded only to know whose account is meant.
  const ctx = await openContext(v, { signs: named === undefined });
  const address = named ?? requesterOf(ctx, undefined);
  const view = await guard(() => ctx.client.account(address));
  emit(ctx, view, () => (ctx.quiet ? view.balance : accountText(view)));
}

/** An address (0x + 40 hex) or, for unsigned participants of an --open coordinator, a participant id. */
function accountName(value: string): string {
  if (/^0x[0-9a-fA-F]{40}$/.test(value)) return value.toLowerCase();
  if (/^0x/i.test(value)) throw usage(`an address is 0x + 40 hex digits, got "${value}"`);
  return idOption(value, 'address')!;
}

// ── shared by the money commands (deposit, withdraw, faucet, stake, unstake) ─────────────────────────────

/**
 * The one positional amount of a money command: a whole number of base units, at least 1 ("1.5", "-3",
 * "abc", "0" are usage errors). `argv` is scanned first for a negative number, which parseArgs would
 * otherwise take for an unknown option.
 */
export function amountArgument(argv: string[], positionals: string[] | undefined, command: string, opts: { optional?: boolean } = {}): string | undefined {
  const negative = argv.find((a) => /^-\d/.test(a));
  if (negative !== undefined) throw badAmount(negative);
  if (positionals === undefined) return undefined;
  if (positionals.length === 0) {
    if (opts.optional) return undefined;
    throw usage(`expected <amount> (integer base units); see proofmarket ${command} --help`);
  }
  const [value] = positionalArgs(positionals, ['amount'], command);
  if (!/^\d{1,78}$/.test(value!) || BigInt(value!) === 0n) throw badAmount(value!);
  return BigInt(value!).toString();
}

const badAmount = (value: string) => usage(`<amount> must be a whole number of base units, at least 1 (such as 1000000), got "${value}"`);

/**
 * The account an unsigned call names (on an --open coordinator): `--address`, else $PROOFMARKET_REQUESTER,
 * else the login name. With a key, calls act for the key's address: undefined (the body names no one), and
 * an --address other than the key's is a usage error.
 */
export function unsignedAccount(ctx: Context, flag: string | undefined): string | undefined {
  if (ctx.signer) {
    if (flag !== undefined && flag.toLowerCase() !== ctx.signer.address) {
      throw usage(`--address ${flag} is not the key's address ${ctx.signer.address}: with a key, you act as its address (drop --address, or --key another file)`);
    }
    return undefined;
  }
  return flag !== undefined ? accountName(flag) : requesterOf(ctx, undefined);
}

export function accountText(a: AccountView): string {
  const lines = [`${a.address}  balance ${money(a.balance)}`];
  if (a.provers.length) {
    lines.push('');
    lines.push(table(['prover', 'stake', 'locked', 'unstaking', 'earnings'], a.provers.map((p) => [p.prover_id, money(p.stake), money(p.locked), money(p.unstaking), money(p.earnings)])));
  }
  return lines.join('\n');
}
