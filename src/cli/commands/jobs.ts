import { JOB_STATUSES } from '../../api/jobs.ts';
import { parse } from '../args.ts';
import { intOption } from '../args.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, oneOf, openContext, table } from '../context.ts';
import { addressOption } from '../job-options.ts';

export const help = `proofmarket jobs — list container jobs (GET /jobs), oldest first

Options:
  --status S          only jobs in this status (${JOB_STATUSES.join(', ')})
  --provider 0x…      only jobs matched to this provider (with --status MATCHED: a provider's poll)
  --requester 0x…     only jobs posted by this requester
  --limit N           at most N (default 100)

${GLOBAL_HELP}

Example:
  proofmarket jobs --status MATCHED --provider 0xabcdef1234567890abcdef1234567890abcdef12`;

const OPTIONS = { ...GLOBAL_OPTIONS, status: { type: 'string' }, provider: { type: 'string' }, requester: { type: 'string' }, limit: { type: 'string' } } as const;

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parse(argv, OPTIONS);
  if (v.help) return void console.log(help);
  const filter = {
    status: oneOf(v.status, 'status', JOB_STATUSES),
    provider: addressOption(v.provider, 'provider'),
    requester: addressOption(v.requester, 'requester'),
    limit: intOption(v.limit, 'limit', 1, 1000),
  };
  const ctx = await openContext(v, { signs: false });
  const r = await guard(() => ctx.client.listJobs(filter));
  emit(ctx, r, () =>
    ctx.quiet
      ? r.jobs.map((j) => j.jobId).join('\n')
      : r.jobs.length === 0
        ? 'no jobs'
        : table(['job', 'status', 'price ETH', 'image', 'provider'], r.jobs.map((j) => [j.jobId, j.status, j.priceEth, j.image, j.providerAddr ?? '-'])),
  );
}
