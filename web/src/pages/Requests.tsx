import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { pm, type RequestListFilter, type RequestSummary } from '../api.ts';
import { Badge, ErrorBox, Field, link } from '../components/ui.tsx';
import { ago, count, money, short } from '../format.ts';
import { useAsync, useEvents, useThrottled } from '../hooks.ts';

const ROW = 48; // px, every row (the list is virtual: only the rows in view exist in the page)
const PAGE = 200; // rows per call to GET /v1/requests
const OVERSCAN = 10;

type Filters = Omit<RequestListFilter, 'offset' | 'limit'>;

/**
 * The request history: filtered on the server, paged by offset, and drawn as a virtual list (only the rows in
 * view are elements), so 100,000 requests scroll as lightly as 100. New events reload the pages in view.
 */
export function RequestsPage() {
  const [filters, setFilters] = useState<Filters>({});
  const programs = useAsync(() => pm().listPrograms(), []);
  const names = useMemo(() => new Map((programs.data ?? []).map((p) => [p.program_id, `${p.name} (${p.proof_system})`])), [programs.data]);
  const set = (k: keyof Filters, toIso = false) => (e: Event) => {
    const v = (e.currentTarget as HTMLInputElement).value.trim();
    setFilters({ ...filters, [k]: v === '' ? undefined : toIso ? new Date(v).toISOString() : v });
  };
  return (
    <>
      <div class="page-head">
        <h1>Requests</h1>
      </div>
      <form class="filters card" onSubmit={(e) => e.preventDefault()} aria-label="Filter the requests">
        <Field label="Search">
          <input type="search" placeholder="id, requester, program or prover (start of)" onInput={set('q')} />
        </Field>
        <Field label="Status">
          <select onChange={set('status')}>
            <option value="">any</option>
            {['pending', 'assigned', 'in_progress', 'completed', 'failed'].map((s) => <option value={s}>{s.replace('_', ' ')}</option>)}
          </select>
        </Field>
        <Field label="Program">
          <select onChange={set('program_id')}>
            <option value="">any</option>
            {programs.data?.map((p) => <option value={p.program_id}>{p.name} ({p.proof_system})</option>)}
          </select>
        </Field>
        <Field label="Backend">
          <input placeholder="groth16" onChange={set('backend')} />
        </Field>
        <Field label="Requester">
          <input placeholder="address or name" onChange={set('requester')} />
        </Field>
        <Field label="Prover">
          <input placeholder="prover id" onChange={set('prover')} />
        </Field>
        <Field label="From">
          <input type="datetime-local" onChange={set('from', true)} />
        </Field>
        <Field label="To">
          <input type="datetime-local" onChange={set('to', true)} />
        </Field>
      </form>
      <VirtualRequests filters={filters} names={names} />
    </>
  );
}

function VirtualRequests({ filters, names }: { filters: Filters; names: Map<string, string> }) {
  const key = JSON.stringify(filters);
  const [total, setTotal] = useState<number | undefined>();
  const [pages, setPages] = useState(new Map<number, RequestSummary[]>());
  const [error, setError] = useState<unknown>();
  const [view, setView] = useState({ top: 0, height: 600 });
  const box = useRef<HTMLDivElement>(null);
  const asked = useRef(new Set<number>());
  const generation = useRef(0);

  const load = (page: number, gen: number) => {
    asked.current.add(page);
    pm().listRequests({ ...filters, offset: page * PAGE, limit: PAGE }).then(
      (r) => {
        if (gen !== generation.current) return;
        setTotal(r.total);
        setPages((m) => new Map(m).set(page, r.items));
      },
      (err) => gen === generation.current && setError(err),
    );
  };
  const first = Math.max(0, Math.floor(view.top / ROW) - OVERSCAN);
  const last = Math.min((total ?? PAGE) - 1, Math.ceil((view.top + view.height) / ROW) + OVERSCAN);
  const wanted = total === 0 ? [] : range(Math.floor(first / PAGE), Math.floor(Math.max(first, last) / PAGE));

  // a new filter: start again from the top
  useEffect(() => {
    generation.current += 1;
    asked.current = new Set();
    setPages(new Map());
    setTotal(undefined);
    setError(undefined);
    if (box.current) box.current.scrollTop = 0;
    load(0, generation.current);
  }, [key]);
  useEffect(() => {
    for (const p of wanted) if (!asked.current.has(p)) load(p, generation.current);
  }, [wanted.join(','), key]);
  // live: reload what is in view when the market moves (new requests push the rows down)
  const refresh = useThrottled(() => {
    const gen = generation.current;
    asked.current = new Set();
    for (const p of wanted) load(p, gen);
  }, 1000);
  useEvents({ kind: 'request.' }, refresh, []);
  useEffect(() => {
    const el = box.current!;
    const measure = () => setView({ top: el.scrollTop, height: el.clientHeight });
    measure();
    const resize = new ResizeObserver(measure);
    resize.observe(el);
    return () => resize.disconnect();
  }, []);

  const rows = [];
  for (let i = first; i <= last && total !== undefined; i++) {
    const r = pages.get(Math.floor(i / PAGE))?.[i % PAGE];
    rows.push(<Row index={i} r={r} names={names} />);
  }
  return (
    <section class="card list-card" aria-labelledby="h-request-list">
      <div class="card-head">
        <h2 id="h-request-list" aria-live="polite" data-total={total}>
          {total === undefined ? 'Loading requests…' : `${count(total)} request${total === 1 ? '' : 's'}`}
        </h2>
        <span class="muted">newest first · live</span>
      </div>
      <ErrorBox error={error} />
      <div class="list-head" aria-hidden="true">
        <span>Request</span><span>Status</span><span>Program</span><span>Requester</span><span>Prover</span><span class="num">Price</span><span class="num">Created</span>
      </div>
      <div class="vlist" ref={box} onScroll={(e) => setView({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })} role="list" aria-label="Requests" tabIndex={0}>
        <div style={{ height: `${(total ?? 0) * ROW}px`, position: 'relative' }}>{rows}</div>
      </div>
    </section>
  );
}

function Row({ index, r, names }: { index: number; r: RequestSummary | undefined; names: Map<string, string> }) {
  const style = { top: `${index * ROW}px`, height: `${ROW}px` };
  if (!r) return <div class="vrow loading" style={style} role="listitem" aria-busy="true">…</div>;
  return (
    <div class="vrow" style={style} role="listitem" data-index={index}>
      <a href={link(`/requests/${encodeURIComponent(r.request_id)}`)} title={r.request_id} class="mono">{short(r.request_id, 10)}</a>
      <span><Badge status={r.status} /></span>
      <span class="ellipsis" title={r.program_id}>{names.get(r.program_id) ?? short(r.program_id, 12)} · {r.mechanism}</span>
      <span class="ellipsis mono" title={r.requester}>{short(r.requester, 12)}</span>
      <span class="ellipsis mono" title={r.assigned_prover ?? ''}>{short(r.assigned_prover, 12)}</span>
      <span class="num">{r.price ? money(r.price) : `≤ ${money(r.max_price)}`}</span>
      <span class="num muted" title={r.created_at}>{ago(r.created_at)}</span>
    </div>
  );
}

const range = (a: number, b: number) => Array.from({ length: Math.max(0, b - a + 1) }, (_, i) => a + i);
