import { parse } from '../args.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, openContext } from '../context.ts';
import { addressOption, jobOption } from '../job-options.ts';

export const help = `proofmarket accept — accept a job's results and release its payment (POST /jobs/:jobId/accept)

The job's escrow pays its provider the price, less the market's protocol fee. Only the requester may accept,
and only results that were submitted (RESULT_SUBMITTED).

Options:
  --job JOBID         the job (required)
  --provider 0x…      the provider you expect to pay: refused when it is not the one that ran the job

${GLOBAL_HELP}

Example:
  proofmarket accept --job 0x1fc6…d09f --provider 0xabcdef1234567890abcdef1234567890abcdef12`;

const OPTIONS = { ...GLOBAL_OPTIONS, job: { type: 'string' }, provider: { type: 'string' } } as const;

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parse(argv, OPTIONS);
  if (v.help) return void console.log(help);
  const jobId = jobOption(v.job, 'accept');
  const provider = addressOption(v.provider, 'provider');
  const ctx = await openContext(v);
  const r = await guard(() => ctx.client.acceptJob(jobId, provider ? { providerAddr: provider } : {}));
  emit(ctx, r, () => (ctx.quiet ? r.status : `job ${jobId} ${r.status}: paid ${r.paidEth} ETH (less the protocol fee) to ${r.providerAddr}`));
}
