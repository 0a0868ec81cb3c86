import { useState } from 'preact/hooks';
import { pm, type Backend, type MarketSeries, type MarketStats, type OrderBook, type StatsPeriod } from '../api.ts';
import { Chart } from '../components/Chart.tsx';
import { Card, ErrorBox, Loading, Stat, TableWrap, link } from '../components/ui.tsx';
import { count, duration, money, percent, short, stars } from '../format.ts';
import { useAsync, useEvents, useThrottled } from '../hooks.ts';

const PERIODS: StatsPeriod[] = ['1h', '24h', '7d', '30d'];
const STATUS_COLORS: Record<string, string> = { pending: '#b07d00', assigned: '#2f7de1', in_progress: '#8e5bd6', completed: '#1f9e6b', failed: '#d64545' };

/** The market live: counters, trends over a period, and each backend's order book. */
export function MarketPage() {
  const [period, setPeriod] = useState<StatsPeriod>('24h');
  const stats = useAsync(() => Promise.all([pm().stats(period), pm().statsSeries(period)]), [period]);
  const books = useAsync(loadBooks, []);
  const refresh = useThrottled(() => {
    stats.reload();
    books.reload();
  }, 2000);
  useEvents({}, refresh, []);
  const [s, series] = stats.data ?? [];
  return (
    <>
      <div class="page-head">
        <h1>Market</h1>
        <div class="segmented" role="radiogroup" aria-label="Period">
          {PERIODS.map((p) => (
            <button type="button" role="radio" aria-checked={p === period} class={p === period ? 'on' : ''} onClick={() => setPeriod(p)}>
              {p}
            </button>
          ))}
        </div>
      </div>
      <ErrorBox error={stats.error} />
      {!s || !series ? <Loading what="the market's figures" /> : <Figures s={s} series={series} />}
      <Card title="Order book">
        <ErrorBox error={books.error} />
        {books.data ? <Books books={books.data} /> : <Loading what="the order books" />}
      </Card>
    </>
  );
}

async function loadBooks(): Promise<Array<{ backend: Backend; book: OrderBook }>> {
  const backends = (await pm().listBackends()).filter((b) => b.installed);
  return Promise.all(backends.map(async (backend) => ({ backend, book: await pm().orderBook(backend.name) })));
}

function Figures({ s, series }: { s: MarketStats; series: MarketSeries }) {
  const x = series.buckets.map((b) => new Date(b.end).getTime() / 1000);
  const statuses = ['pending', 'assigned', 'in_progress', 'completed', 'failed'] as const;
  return (
    <>
      <section class="stats" aria-label="Counters" aria-live="polite">
        <Stat label="Requests" value={count(s.requests.total)} hint={`in the last ${s.period}`} />
        <Stat label="Completed" value={count(s.requests.by_status.completed)} hint={`success ${percent(s.success_rate)}`} />
        <Stat label="Pending" value={count(s.requests.by_status.pending)} hint={`${count(s.requests.by_status.assigned + s.requests.by_status.in_progress)} being proved`} />
        <Stat label="Failed" value={count(s.requests.by_status.failed)} hint={`${count(s.requests.cancelled)} cancelled`} />
        <Stat label="Provers online" value={count(s.active_provers)} hint={`utilisation ${percent(s.utilisation.ratio)}`} />
        <Stat label="Time to proof" value={duration(s.time_to_proof.mean_ms)} hint={`p90 ${duration(s.time_to_proof.p90_ms)}`} />
        <Stat label="Volume paid" value={money(s.volume_paid)} hint={`fees ${money(s.fees)}`} />
        <Stat label="Slashes" value={count(s.slashes.count)} hint={`${money(s.slashes.amount)} slashed`} />
      </section>
      <div class="grid2">
        <Card title="Requests over time">
          <Chart title="Requests created, by status now" x={x} series={statuses.map((st) => ({ label: st.replace('_', ' '), color: STATUS_COLORS[st] }))} ys={statuses.map((st) => series.buckets.map((b) => b.by_status[st]))} />
        </Card>
        <Card title="Clearing price">
          {series.backends.length === 0 ? (
            <p class="muted">No proof was paid for in this period.</p>
          ) : (
            <Chart
              title="Median clearing price per backend (base units)"
              x={x}
              series={series.backends.map((b) => ({ label: b }))}
              ys={series.backends.map((name) => series.buckets.map((b) => numberOrNull(b.prices.find((p) => p.backend === name)?.median)))}
              format={(v) => money(String(Math.round(v)))}
            />
          )}
        </Card>
        <Card title="Time to proof">
          <Chart title="From request to verified proof, p50 and p99" x={x} series={[{ label: 'p50' }, { label: 'p99', dash: true }]} ys={[series.buckets.map((b) => b.proof_p50_ms), series.buckets.map((b) => b.proof_p99_ms)]} format={duration} />
        </Card>
        <Card title="Verified and rejected proofs">
          <Chart title="Proofs the verifier passed and rejected" x={x} series={[{ label: 'verified', color: '#1f9e6b' }, { label: 'rejected', color: '#d64545' }]} ys={[series.buckets.map((b) => b.verified), series.buckets.map((b) => b.rejected)]} />
        </Card>
      </div>
      {s.top_provers.length > 0 && (
        <Card title="Top provers">
          <TableWrap label="Top provers">
            <thead>
              <tr><th scope="col">Prover</th><th scope="col">Reputation</th><th scope="col">Status</th><th scope="col" class="num">Completed</th></tr>
            </thead>
            <tbody>
              {s.top_provers.map((p) => (
                <tr>
                  <td><a href={link(`/provers/${encodeURIComponent(p.prover_id)}`)}>{p.name ?? short(p.prover_id, 12)}</a></td>
                  <td>{stars(p.reputation)}</td>
                  <td>{p.status}</td>
                  <td class="num">{count(p.completed)}</td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
        </Card>
      )}
    </>
  );
}

/** A price for the chart's y axis (a number is precise enough to draw; the labels come from the string). */
const numberOrNull = (v: string | undefined) => (v === undefined ? null : Number(v));

function Books({ books }: { books: Array<{ backend: Backend; book: OrderBook }> }) {
  return (
    <div class="books">
      {books.map(({ backend, book }) => {
        const most = Math.max(1, ...book.bids.map((l) => l.quantity), ...book.asks.map((l) => l.quantity));
        return (
          <div class="book">
            <h3>{backend.name}</h3>
            <p class="muted">
              suggested price {book.suggested_price ? `${money(book.suggested_price.p50)} (p50) · ${money(book.suggested_price.p90)} (p90)` : '— (no recent clearing price)'}
              {' · '}spread {money(book.spread)}
            </p>
            <div class="depth">
              <Side title="Bids" caption="requests waiting, by max price" levels={book.bids.slice(0, 8)} most={most} kind="bid" />
              <Side title="Asks" caption="free prover capacity, by base price" levels={book.asks.slice(0, 8)} most={most} kind="ask" />
            </div>
          </div>
        );
      })}
    </div>
  );
}

function Side({ title, caption, levels, most, kind }: { title: string; caption: string; levels: OrderBook['bids']; most: number; kind: 'bid' | 'ask' }) {
  return (
    <div>
      <h4 title={caption}>{title} <span class="muted small">({caption})</span></h4>
      {levels.length === 0 ? (
        <p class="muted">none</p>
      ) : (
        <ul class="levels">
          {levels.map((l) => (
            <li>
              <span class="level-price">{money(l.price)}</span>
              <span class={`bar ${kind}`} style={{ width: `${Math.max(4, (l.quantity / most) * 100)}%` }} />
              <span class="level-qty">{count(l.quantity)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
