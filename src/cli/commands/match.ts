import { parse } from '../args.ts';
import { usage } from '../errors.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, openContext } from '../context.ts';
import { addressOption, jobOption } from '../job-options.ts';

export const help = `proofmarket match — match a funded job to a provider by hand (POST /match)

The provider's agent picks it up at its next poll. A provider that advertised its images must hold the job's
(image_not_found otherwise).

Options:
  --job JOBID         the job (required)
  --provider 0x…      the provider's address (required)

${GLOBAL_HELP}

Example:
  proofmarket match --job 0x1fc6…d09f --provider 0xabcdef1234567890abcdef1234567890abcdef12`;

const OPTIONS = { ...GLOBAL_OPTIONS, job: { type: 'string' }, provider: { type: 'string' } } as const;

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parse(argv, OPTIONS);
  if (v.help) return void console.log(help);
  const jobId = jobOption(v.job, 'match');
  const provider = addressOption(v.provider, 'provider');
  if (provider === undefined) throw usage('--provider is required (the provider\'s address); see proofmarket match --help');
  const ctx = await openContext(v);
  const r = await guard(() => ctx.client.matchJob(jobId, provider));
  emit(ctx, r, () => (ctx.quiet ? r.status : `job ${jobId} ${r.status} to ${provider}`));
}
