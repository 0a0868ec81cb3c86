import type { LedgerMovement } from '../../api/index.ts';
import { parse } from '../args.ts';
import { CHAIN_MONEY_HELP, CHAIN_MONEY_OPTIONS, runOnChain } from '../chain-money.ts';
import { usage } from '../errors.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, idOption, money, openContext, positionalArgs } from '../context.ts';
import { jobOption } from '../job-options.ts';

export const help = `proofmarket cancel — cancel a request of yours while it is still pending (POST /v1/requests/:id/cancel)

Signed with the requester's key (--key, or the default key). The request fails with cause "cancelled" and
its whole escrow goes back to your balance at once. A request already assigned to a prover can no longer be
cancelled (exit 1, with the coordinator's reason); someone else's is refused (not_requester).

With --job, a container job of yours (POST /jobs/:jobId/cancel): before a provider is matched, or once
matched after the job's timeout passed without a result; its escrow is refunded.

Usage:
  proofmarket cancel <request_id>
  proofmarket cancel --job <jobId>

On a chain the request id is ProofMarket's (0x and 64 hex digits) and the escrow returns to your ProofMarket
balance (ProofMarket.cancel: only before a lock).
${CHAIN_MONEY_HELP}

${GLOBAL_HELP}

Example:
  proofmarket cancel 660e8400-e29b-41d4-a716-446655440001`;

const OPTIONS = { ...GLOBAL_OPTIONS, ...CHAIN_MONEY_OPTIONS, job: { type: 'string' } } as const;

export async function run(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse(argv, OPTIONS, true);
  if (v.help) return void console.log(help);
  if (v.job !== undefined) {
    positionalArgs(positionals, [], 'cancel');
    const jobId = jobOption(v.job, 'cancel');
    const ctx = await openContext(v);
    const r = await guard(() => ctx.client.cancelJob(jobId));
    return emit(ctx, r, () => (ctx.quiet ? r.refundedEth : `cancelled job ${jobId} (${r.status}); refunded ${r.refundedEth} ETH`));
  }
  const [id] = positionalArgs(positionals, ['request_id'], 'cancel');
  const onChain = await runOnChain(v, (m) => {
    if (!/^0x[0-9a-fA-F]{64}$/.test(id!)) throw usage(`on a chain a request id is 0x and 64 hex digits, got "${id}"`);
    return {
      send: () => m.cancel(id as `0x${string}`),
      after: async () => {
        const balance = (await m.balanceOf()).toString();
        return { text: `cancelled request ${id}; its escrow is back in ${m.address}'s ProofMarket balance (now ${balance} wei)`, doc: { request_id: id!, balance } };
      },
    };
  });
  if (onChain) return;
  const requestId = idOption(id, 'request_id')!;
  const ctx = await openContext(v);
  const r = await guard(() => ctx.client.cancelRequest(requestId));
  const refund = refundOf(r.ledger);
  emit(ctx, { ...r, refunded: refund?.amount ?? '0', refunded_to: refund?.to ?? null }, () =>
    ctx.quiet
      ? (refund?.amount ?? '0')
      : `cancelled request ${r.request_id} (${r.status}); ${refund ? `refunded ${money(refund.amount)} to ${refund.to}` : 'nothing was escrowed, so nothing was refunded'} (off-chain ledger)`,
  );
}

/** The refund movement's credit to the requester's balance. */
function refundOf(movements: LedgerMovement[]): { amount: string; to: string } | undefined {
  let total = 0n;
  let to: string | undefined;
  for (const m of movements) {
    if (m.kind !== 'refund') continue;
    for (const e of m.entries) {
      if (e.account.startsWith('balance:') && BigInt(e.amount) > 0n) {
        total += BigInt(e.amount);
        to = e.account.slice('balance:'.length);
      }
    }
  }
  return to === undefined ? undefined : { amount: total.toString(), to };
}
