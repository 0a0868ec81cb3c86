import { parse } from '../args.ts';
import { usage } from '../errors.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, openContext } from '../context.ts';
import { jobOption } from '../job-options.ts';

export const help = `proofmarket fund — fund a job you posted (POST /jobs/:jobId/fund)

Off chain (today), the job's price moves from your balance into the job's escrow (proofmarket deposit first;
on an --open coordinator an unsigned requester that is short is topped up by the faucet). --tx names the
escrow deposit's transaction: recorded now, checked against the JobEscrow contract when the coordinator runs
on a chain.

Options:
  --job JOBID     the job (required)
  --tx HASH       the deposit's transaction hash (0x + 64 hex digits)

${GLOBAL_HELP}

Example:
  proofmarket fund --job 0x1fc6…d09f --tx 0x5c50…e1a4`;

const OPTIONS = { ...GLOBAL_OPTIONS, job: { type: 'string' }, tx: { type: 'string' } } as const;

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parse(argv, OPTIONS);
  if (v.help) return void console.log(help);
  const jobId = jobOption(v.job, 'fund');
  if (v.tx !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(v.tx)) throw usage(`--tx must be a transaction hash (0x followed by 64 hex digits), got "${v.tx.slice(0, 80)}"`);
  const ctx = await openContext(v);
  const r = await guard(() => ctx.client.fundJob(jobId, v.tx ? { txHash: v.tx } : {}));
  emit(ctx, r, () => (ctx.quiet ? r.status : `job ${jobId} ${r.status}; match it: proofmarket match --job ${jobId} --provider 0x…`));
}
