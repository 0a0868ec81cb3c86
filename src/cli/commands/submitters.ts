import type { SubmitterView } from '../../api/index.ts';
import { parse } from '../args.ts';
import { usage } from '../errors.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, idOption, openContext, positionalArgs, required, table, type Context } from '../context.ts';

export const help = `proofmarket submitters — the keys that may bid and submit proofs for a prover

A prover's owner (the key that registered it, which holds its stake) need not be online: a prover node can
run with a key of its own as a "submitter". The submitter consents first, signed with its key, so no one is
enlisted without agreeing; then the owner authorizes it. Either of them may revoke it. Stake, unstake and
earnings stay the owner's alone.

Usage:
  proofmarket submitters consent --prover-id P           with the submitter's key: agree to act for P
  proofmarket submitters add <address> --prover-id P     with the owner's key: authorize a consented address
  proofmarket submitters remove <address> --prover-id P  with the owner's or the submitter's key: revoke it
  proofmarket submitters list --prover-id P              every submitter of P and its state (consented,
                                                         active, revoked)

An address revoked must consent again, and be authorized again, to act for the prover. Adding an address
that has not consented fails with submitter_not_consented (exit 1).

${GLOBAL_HELP}

Example:
  proofmarket submitters consent --prover-id my_prover --key node-key.json
  proofmarket submitters add 0x70997970c51812dc3a010c7d01b50e0d17dc79c8 --prover-id my_prover`;

const OPTIONS = { ...GLOBAL_OPTIONS, 'prover-id': { type: 'string' } } as const;

export async function run(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse(argv, OPTIONS, true);
  if (v.help) return void console.log(help);
  const [sub, ...rest] = positionals;
  const proverId = () => required(idOption(v['prover-id'], 'prover-id'), 'prover-id', 'submitters');
  switch (sub) {
    case 'consent': {
      positionalArgs(rest, [], 'submitters consent');
      const p = proverId();
      const ctx = await signed(v, 'consent', "the submitter's");
      const s = await guard(() => ctx.client.consentSubmitter(p));
      return emit(ctx, s, () =>
        ctx.quiet ? s.state : `${s.address} consented to bid and submit for ${p} (state ${s.state}); the owner now runs:\n  proofmarket submitters add ${s.address} --prover-id ${p}`,
      );
    }
    case 'add':
    case 'remove': {
      const [a] = positionalArgs(rest, ['address'], `submitters ${sub}`);
      const address = addressArg(a!);
      const p = proverId();
      const ctx = await signed(v, sub, sub === 'add' ? "the prover owner's" : "the prover owner's or the submitter's");
      const s = await guard(() => (sub === 'add' ? ctx.client.authorizeSubmitter(p, address) : ctx.client.revokeSubmitter(p, address)));
      return emit(ctx, s, () =>
        ctx.quiet ? s.state : sub === 'add' ? `authorized ${s.address} to bid and submit for ${p} (state ${s.state})` : `revoked ${s.address} as a submitter of ${p} (by ${s.revoked_by})`,
      );
    }
    case 'list': {
      positionalArgs(rest, [], 'submitters list');
      const p = proverId();
      const ctx = await openContext(v, { signs: false });
      const list = await guard(() => ctx.client.listSubmitters(p));
      return emit(ctx, list, () => (list.length ? submittersTable(list) : `${p} has no submitters`));
    }
    case undefined:
      throw usage('expected consent, add <address>, remove <address> or list; see proofmarket submitters --help');
    default:
      throw usage(`unknown subcommand "${sub}": expected consent, add, remove or list`);
  }
}

/** Every submitter act is signed by the party doing it, even on an --open coordinator: no key is a usage error. */
async function signed(v: Parameters<typeof openContext>[0], sub: string, whose: string): Promise<Context> {
  const ctx = await openContext(v);
  if (!ctx.signer) throw usage(`submitters ${sub} must be signed with ${whose} key: pass --key FILE (or create one with proofmarket keys new)`);
  return ctx;
}

function addressArg(value: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) throw usage(`<address> must be an EVM address (0x + 40 hex digits), got "${value}"`);
  return value;
}

function submittersTable(list: SubmitterView[]): string {
  return table(
    ['address', 'state', 'consented', 'authorized', 'revoked'],
    list.map((s) => [s.address, s.state, s.consented_at ?? '-', s.authorized_at ?? '-', s.revoked_at ? `${s.revoked_at} by ${s.revoked_by}` : '-']),
  );
}
