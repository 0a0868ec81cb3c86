import { useState } from 'preact/hooks';
import { pm, type ProverFilter } from '../api.ts';
import { Card, ErrorBox, Field, Loading, TableWrap, link } from '../components/ui.tsx';
import { count, duration, money, short, stars } from '../format.ts';
import { useAsync, useEvents, useThrottled } from '../hooks.ts';

/** Find provers: the `proofmarket provers` command's filters and sorts. */
export function ProversPage() {
  const [filter, setFilter] = useState<ProverFilter>({});
  const backends = useAsync(() => pm().listBackends(), []);
  const provers = useAsync(() => pm().listProversV1(clean(filter)), [JSON.stringify(filter)]);
  useEvents({}, useThrottled(provers.reload, 2000), []);
  const set = (k: keyof ProverFilter) => (e: Event) => setFilter({ ...filter, [k]: (e.currentTarget as HTMLInputElement).value || undefined });
  return (
    <>
      <div class="page-head">
        <h1>Provers</h1>
      </div>
      <Card title="Filters">
        <form class="filters" onSubmit={(e) => e.preventDefault()}>
          <Field label="Backend">
            <select onChange={set('backend')} value={filter.backend ?? ''}>
              <option value="">any</option>
              {backends.data?.map((b) => <option value={b.name}>{b.name}</option>)}
            </select>
          </Field>
          <Field label="Max price">
            <input inputMode="numeric" pattern="[0-9]*" placeholder="base units" value={filter.max_price ?? ''} onChange={set('max_price')} />
          </Field>
          <Field label="Min reputation">
            <input inputMode="decimal" placeholder="0–5" value={filter.min_reputation ?? ''} onChange={set('min_reputation')} />
          </Field>
          <Field label="Status">
            <select onChange={set('status')} value={filter.status ?? ''}>
              <option value="">any</option>
              <option value="active">active</option>
              <option value="busy">busy</option>
              <option value="offline">offline</option>
            </select>
          </Field>
          <Field label="Sort by">
            <select onChange={set('sort')} value={filter.sort ?? ''}>
              <option value="">registration</option>
              <option value="price">price</option>
              <option value="reputation">reputation</option>
              <option value="response_time">response time</option>
            </select>
          </Field>
        </form>
      </Card>
      <ErrorBox error={provers.error} />
      {!provers.data ? (
        <Loading what="provers" />
      ) : (
        <Card title={`${count(provers.data.length)} provers`} id="h-provers-list">
          <TableWrap label="Provers">
            <thead>
              <tr>
                <th scope="col">Prover</th><th scope="col">Status</th><th scope="col">Reputation</th><th scope="col" class="num">Base price</th>
                <th scope="col">Backends</th><th scope="col" class="num">Load</th><th scope="col" class="num">Response</th>
              </tr>
            </thead>
            <tbody>
              {provers.data.map((p) => (
                <tr>
                  <td><a href={link(`/provers/${encodeURIComponent(p.prover_id)}`)} title={p.prover_id}>{p.name ?? short(p.prover_id, 12)}</a></td>
                  <td>{p.status}</td>
                  <td>{stars(p.reputation)}</td>
                  <td class="num">{money(p.base_price)}</td>
                  <td>{p.backends.join(', ')}</td>
                  <td class="num">{p.active_tasks}/{p.capacity}</td>
                  <td class="num">{duration(p.response_time_ms)}</td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
        </Card>
      )}
    </>
  );
}

const clean = (f: ProverFilter): ProverFilter => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== '')) as ProverFilter;
