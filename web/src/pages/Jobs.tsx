import { useState } from 'preact/hooks';
import { pm, type JobSummary } from '../api.ts';
import { Badge, Card, ErrorBox, Field, Loading, TableWrap, link } from '../components/ui.tsx';
import { short } from '../format.ts';
import { useAsync, useEvents, useIdentity, useThrottled } from '../hooks.ts';

/** The job statuses, in the order a job goes through them (src/domain/jobs/job.ts). */
export const JOB_STATUSES = ['CREATED', 'FUNDED', 'MATCHED', 'RUNNING', 'RESULT_SUBMITTED', 'ACCEPTED', 'CANCELED', 'FAILED', 'EXPIRED'] as const;
const LIMIT = 200;

/** Container jobs (seed 004): the newest first, by status, yours only if you like; updated live from job events. */
export function JobsPage() {
  const id = useIdentity();
  const [status, setStatus] = useState('');
  const [mine, setMine] = useState(false);
  const requester = mine && id.kind !== 'none' ? id.address : undefined;
  const jobs = useAsync(
    () => pm().listJobs({ ...(status ? { status: status as JobSummary['status'] } : {}), ...(requester ? { requester } : {}), limit: String(LIMIT) }),
    [status, requester],
  );
  const reload = useThrottled(jobs.reload, 1_000);
  useEvents({ kind: 'job.' }, reload, []);
  return (
    <>
      <div class="page-head">
        <h1>Jobs</h1>
        <span class="muted">Container jobs: a Docker image run by a provider, paid from escrow once the requester accepts its results.</span>
      </div>
      <Card title="Filter">
        <div class="filters">
          <Field label="Status">
            <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
              <option value="">any</option>
              {JOB_STATUSES.map((s) => <option value={s}>{s.toLowerCase().replace('_', ' ')}</option>)}
            </select>
          </Field>
          <label class="check">
            <input type="checkbox" checked={mine} disabled={id.kind === 'none'} onChange={(e) => setMine(e.currentTarget.checked)} />
            {id.kind === 'none' ? 'Only mine (choose who signs first)' : 'Only mine'}
          </label>
        </div>
      </Card>
      <ErrorBox error={jobs.error} />
      <Card title={jobs.data ? `${jobs.data.jobs.length === LIMIT ? `The newest ${LIMIT}` : jobs.data.jobs.length} job${jobs.data.jobs.length === 1 ? '' : 's'}` : 'Jobs'}>
        {!jobs.data ? <Loading what="the jobs" /> : jobs.data.jobs.length === 0 ? (
          <p class="muted">No job{status ? ` is ${status.toLowerCase().replace('_', ' ')}` : ' yet'}. Post one with <code>proofmarket post-job</code>.</p>
        ) : <JobTable jobs={jobs.data.jobs} />}
      </Card>
    </>
  );
}

function JobTable({ jobs }: { jobs: JobSummary[] }) {
  return (
    <TableWrap label="Jobs">
      <thead>
        <tr><th scope="col">Job</th><th scope="col">Status</th><th scope="col">Image</th><th scope="col">Command</th><th scope="col" class="num">Price (ETH)</th><th scope="col">Requester</th><th scope="col">Provider</th></tr>
      </thead>
      <tbody>
        {jobs.map((j) => (
          <tr data-job={j.jobId}>
            <td><a class="mono" href={link(`/jobs/${j.jobId}`)} title={j.jobId}>{short(j.jobId, 10)}</a></td>
            <td><Badge status={j.status.toLowerCase()} /></td>
            <td class="mono">{j.image}</td>
            <td class="mono ellipsis" title={j.cmd.join(' ')}>{short(j.cmd.join(' '), 28)}</td>
            <td class="num">{j.priceEth}</td>
            <td class="mono" title={j.requesterAddr}>{short(j.requesterAddr, 10)}</td>
            <td class="mono" title={j.providerAddr ?? ''}>{short(j.providerAddr, 10)}</td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}
