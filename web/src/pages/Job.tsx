import { useState } from 'preact/hooks';
import { pm, errorText, type JobView } from '../api.ts';
import { Badge, Card, ErrorBox, Loading, Stat, TableWrap, link } from '../components/ui.tsx';
import { short, time } from '../format.ts';
import { useAsync, useEvents, useIdentity } from '../hooks.ts';

type JobArtifact = NonNullable<JobView['result']>['artifacts'][number];

/** One container job: its spec, its history, its result (exit code, logs' tails, artifacts and their hashes), and the requester's accept and cancel. */
export function JobPage({ id }: { id: string }) {
  const job = useAsync(() => pm().getJob(id), [id]);
  useEvents({ job: id }, job.reload, [id]); // each transition of this job: read it again
  if (!job.data) return job.error ? <ErrorBox error={job.error} /> : <Loading what="the job" />;
  const j = job.data;
  return (
    <>
      <div class="page-head">
        <h1>Job <span class="mono">{short(id, 12)}</span></h1>
        <Badge status={j.status.toLowerCase()} />
      </div>
      <section class="stats" aria-label="Job terms">
        <Stat label="Status" value={<span data-status={j.status}>{j.status.toLowerCase().replace('_', ' ')}</span>} hint={`updated ${time(j.updatedAt)}`} />
        <Stat label="Price (ETH)" value={j.priceEth} hint={`${j.priceWei} wei`} />
        <Stat label="Requester" value={<span class="mono">{short(j.requesterAddr, 12)}</span>} hint={`created ${time(j.createdAt)}`} />
        <Stat label="Provider" value={<span class="mono">{short(j.providerAddr, 12)}</span>} hint={j.assignedAt ? `matched ${time(j.assignedAt)}` : 'not matched yet'} />
      </section>
      <RequesterActions job={j} onDone={job.reload} />
      <Card title="Result">
        <Result job={j} />
      </Card>
      <div class="grid2">
        <Card title="Spec">
          <Spec job={j} />
        </Card>
        <Card title="History">
          <ol class="timeline">
            {j.history.map((h) => (
              <li>
                <time dateTime={h.at}>{time(h.at)}</time>
                <div>
                  <strong>{(h.cause ?? 'change').replaceAll('_', ' ')}</strong> {h.from ? `${h.from} → ` : ''}{h.to}
                  {h.providerAddr && <> · <span class="mono">{short(h.providerAddr, 12)}</span></>}
                  {h.detail && Object.keys(h.detail).length > 0 && <div class="muted small">{Object.entries(h.detail).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' · ')}</div>}
                </div>
              </li>
            ))}
          </ol>
        </Card>
      </div>
    </>
  );
}

/** Accept (pays the provider from escrow) or cancel (refunds it), signed as the requester; shown to the requester only. */
function RequesterActions({ job, onDone }: { job: JobView; onDone: () => void }) {
  const id = useIdentity();
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);
  const mine = id.kind !== 'none' && id.address.toLowerCase() === job.requesterAddr.toLowerCase();
  const canAccept = job.status === 'RESULT_SUBMITTED';
  const canCancel = ['CREATED', 'FUNDED', 'MATCHED', 'RUNNING'].includes(job.status);
  if (!mine || (!canAccept && !canCancel && !done)) return null;
  const act = async (what: 'accept' | 'cancel') => {
    setBusy(true);
    setError(undefined);
    try {
      if (what === 'accept') {
        const r = await pm().acceptJob(job.jobId);
        setDone(`Accepted: ${r.paidEth} ETH paid from escrow (less the market's fee) to ${r.providerAddr}.`);
      } else {
        const r = await pm().cancelJob(job.jobId);
        setDone(`Cancelled: ${r.refundedEth} ETH refunded to you.`);
      }
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title="Your job">
      <div class="row">
        {canAccept && <button type="button" disabled={busy} onClick={() => act('accept')}>Accept the results</button>}
        {canCancel && <button type="button" class="secondary" disabled={busy} onClick={() => act('cancel')}>Cancel the job</button>}
        {(canAccept || canCancel) && <span class="muted small">Signed as you; accepting pays the provider, cancelling refunds the escrow (once matched, only after the job's timeout).</span>}
      </div>
      {done && <p class="ok-note" role="status">{done}</p>}
      <ErrorBox error={error && errorText(error)} />
    </Card>
  );
}

function Result({ job }: { job: JobView }) {
  const r = job.result;
  if (!r) return <p class="muted" aria-live="polite">No result yet: the job is {job.status.toLowerCase().replace('_', ' ')}. This page follows it live.</p>;
  return (
    <>
      <dl class="kv">
        <dt>Exit code</dt><dd data-exit-code={r.exitCode}><strong>{r.exitCode}</strong>{r.failure ? ` (failed: ${r.failure})` : ''}</dd>
        <dt>Run time</dt><dd>{r.runtimeSec.toFixed(2)} s</dd>
      </dl>
      <h3>Artifacts</h3>
      {r.artifacts.length === 0 ? <p class="muted">No artifact.</p> : (
        <TableWrap label="Artifacts">
          <thead><tr><th scope="col">Path</th><th scope="col" class="num">Bytes</th><th scope="col">sha256</th><th scope="col">Where</th></tr></thead>
          <tbody>{r.artifacts.map((a) => <ArtifactRow artifact={a} />)}</tbody>
        </TableWrap>
      )}
      <div class="grid2">
        <div><h3>stdout (tail)</h3><pre class="tail" tabIndex={0} aria-label="stdout tail">{r.stdoutTail || '(empty)'}</pre></div>
        <div><h3>stderr (tail)</h3><pre class="tail" tabIndex={0} aria-label="stderr tail">{r.stderrTail || '(empty)'}</pre></div>
      </div>
    </>
  );
}

/** A CIDv1 the artifact store serves: the localUri itself, ipfs://<cid>, or a /v1/artifacts/<cid> path. */
export function artifactCid(localUri: string | undefined): string | undefined {
  const m = localUri?.match(/^(?:ipfs:\/\/|\/v1\/artifacts\/)?(baf[a-z2-7]{20,})$/);
  return m?.[1];
}

function ArtifactRow({ artifact: a }: { artifact: JobArtifact }) {
  const cid = artifactCid(a.localUri);
  return (
    <tr>
      <td class="mono">{a.path}</td>
      <td class="num">{a.size.toLocaleString('en-US')}</td>
      <td class="mono sha" title={a.sha256}>{a.sha256}</td>
      <td>{cid ? <a href={`/v1/artifacts/${cid}`} download={a.path.split('/').pop()} title={cid}>{short(cid, 14)}</a> : <span class="mono muted" title={a.localUri ?? ''}>{a.localUri ? short(a.localUri, 24) : 'kept by the provider'}</span>}</td>
    </tr>
  );
}

function Spec({ job }: { job: JobView }) {
  const s = job.spec;
  return (
    <dl class="kv">
      <dt>Image</dt><dd class="mono">{s.image}</dd>
      <dt>Command</dt><dd class="mono">{s.cmd.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}</dd>
      <dt>Resources</dt><dd>{s.resources.cpu} CPU · {s.resources.ramGB} GB RAM · {s.resources.gpu} GPU · {s.resources.storageGB} GB /out</dd>
      <dt>Timeout</dt><dd>{s.timeoutSec} s</dd>
      <dt>Verifier</dt><dd>{s.verifier}</dd>
      <dt>Outputs</dt><dd class="mono">{s.outputs.length ? s.outputs.map((o) => o.path).join(', ') : '—'}</dd>
      <dt>Inputs</dt><dd class="mono">{s.inputs.length ? JSON.stringify(s.inputs) : '—'}</dd>
      <dt>Funding</dt><dd>{job.fundedAt ? `funded ${time(job.fundedAt)}${job.fundTx ? ` · tx ${short(job.fundTx, 12)}` : ''}` : 'not funded'}</dd>
    </dl>
  );
}

