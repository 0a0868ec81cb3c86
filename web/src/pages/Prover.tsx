import { pm } from '../api.ts';
import { Badge, Card, ErrorBox, Loading, Stat, TableWrap, link } from '../components/ui.tsx';
import { count, duration, money, percent, short, stars, time } from '../format.ts';
import { useAsync, useEvents, useThrottled } from '../hooks.ts';

/** One prover: its reputation's components, its record, its stake and locks, slashes and earnings. */
export function ProverPage({ id }: { id: string }) {
  const data = useAsync(async () => {
    const [profile, reputation, stake, slashes, history] = await Promise.all([
      pm().getProver(id), pm().proverReputation(id), pm().stakeOf(id), pm().listSlashes({ prover_id: id }), pm().listRequests({ prover: id, limit: 20 }),
    ]);
    return { profile, reputation, stake, slashes, history };
  }, [id]);
  useEvents({ prover: id }, useThrottled(data.reload, 1500), [id]);
  if (data.error) return <ErrorBox error={data.error} />;
  if (!data.data) return <Loading what="the prover" />;
  const { profile: p, reputation: r, stake, slashes, history } = data.data;
  const parts = [
    { name: 'Success', weight: 50, value: r.success_rate },
    { name: 'Quality', weight: 30, value: r.average_quality },
    { name: 'Time', weight: 20, value: r.time_efficiency },
  ];
  return (
    <>
      <div class="page-head">
        <h1>{p.name ?? p.prover_id}</h1>
        <span class="muted">{p.prover_id} · {p.status}</span>
      </div>
      <section class="stats" aria-label="Prover figures">
        <Stat label="Reputation" value={stars(r.stars)} hint={r.total ? `${r.successful} of ${r.total} succeeded` : 'no history yet (ranked at 2.5)'} />
        <Stat label="Base price" value={money(p.base_price)} hint={p.price_type.replace('_', ' ')} />
        <Stat label="Load" value={`${p.active_tasks}/${p.capacity}`} hint={p.backends.join(', ')} />
        <Stat label="Stake" value={money(stake.stake)} hint={`${money(stake.locked)} locked · ${money(stake.unstaking)} unstaking`} />
        <Stat label="Earnings" value={money(stake.earnings)} hint="withdrawable by the owner" />
        <Stat label="Slashes" value={count(slashes.filter((s) => !s.reversed_at).length)} hint={`${money(sum(slashes.filter((s) => !s.reversed_at).map((s) => s.amount)))} slashed`} />
      </section>
      <Card title="Reputation components">
        <p class="muted">score = 50% success + 30% quality + 20% time, over a decaying history (half-life {duration(r.half_life_ms)}); stars = 5 × score.</p>
        <ul class="components">
          {parts.map((c) => (
            <li>
              <span class="comp-name">{c.name} <span class="muted">({c.weight}%)</span></span>
              <span class="meter" role="meter" aria-valuemin={0} aria-valuemax={1} aria-valuenow={c.value} aria-label={`${c.name} ${percent(c.value)}`}>
                <span style={{ width: `${Math.round(c.value * 100)}%` }} />
              </span>
              <span class="comp-value">{percent(c.value)}</span>
            </li>
          ))}
        </ul>
      </Card>
      <div class="grid2">
        <Card title="Recent requests">
          <TableWrap label="Recent requests">
            <thead><tr><th scope="col">Request</th><th scope="col">Status</th><th scope="col" class="num">Price</th><th scope="col">Created</th></tr></thead>
            <tbody>
              {history.items.map((q) => (
                <tr>
                  <td><a href={link(`/requests/${encodeURIComponent(q.request_id)}`)} title={q.request_id}>{short(q.request_id)}</a></td>
                  <td><Badge status={q.status} /></td>
                  <td class="num">{money(q.price)}</td>
                  <td>{time(q.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
          {history.total === 0 && <p class="muted">No request yet.</p>}
        </Card>
        <Card title="Reputation history">
          <TableWrap label="Reputation history">
            <thead><tr><th scope="col">When</th><th scope="col">Outcome</th><th scope="col" class="num">Quality</th><th scope="col" class="num">Took</th></tr></thead>
            <tbody>
              {r.history.slice(0, 20).map((e) => (
                <tr>
                  <td>{time(e.at)}</td>
                  <td>{e.success ? 'success' : e.cause}</td>
                  <td class="num">{e.quality.toFixed(2)}</td>
                  <td class="num">{duration(e.actual_ms)}</td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
          {r.history.length === 0 && <p class="muted">No observation yet.</p>}
        </Card>
        <Card title="Stake locks">
          {stake.locks.length === 0 ? <p class="muted">No stake locked.</p> : (
            <TableWrap label="Stake locks">
              <thead><tr><th scope="col">Request</th><th scope="col" class="num">Amount</th><th scope="col">Since</th></tr></thead>
              <tbody>
                {stake.locks.map((l) => (
                  <tr><td><a href={link(`/requests/${encodeURIComponent(l.request_id)}`)}>{short(l.request_id)}</a></td><td class="num">{money(l.amount)}</td><td>{time(l.locked_at)}</td></tr>
                ))}
              </tbody>
            </TableWrap>
          )}
        </Card>
        <Card title="Slashes">
          {slashes.length === 0 ? <p class="muted">Never slashed.</p> : (
            <TableWrap label="Slashes">
              <thead><tr><th scope="col">When</th><th scope="col">Request</th><th scope="col" class="num">Amount</th><th scope="col">State</th></tr></thead>
              <tbody>
                {slashes.map((s) => (
                  <tr>
                    <td>{time(s.at)}</td>
                    <td><a href={link(`/requests/${encodeURIComponent(s.task_id)}`)}>{short(s.task_id)}</a></td>
                    <td class="num">{money(s.amount)}</td>
                    <td>{s.reversed_at ? `reversed: ${s.reversal_reason ?? ''}` : 'standing'}</td>
                  </tr>
                ))}
              </tbody>
            </TableWrap>
          )}
        </Card>
      </div>
    </>
  );
}

const sum = (amounts: string[]) => amounts.reduce((a, b) => a + BigInt(b), 0n).toString();
