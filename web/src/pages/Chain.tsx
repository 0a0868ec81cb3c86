import { pm, type ChainOverview } from '../api.ts';
import { Badge, Card, ErrorBox, Loading, Stat, TableWrap } from '../components/ui.tsx';
import { count, money, short, time } from '../format.ts';
import { useEffect } from 'preact/hooks';
import { useAsync } from '../hooks.ts';

const REFRESH_MS = 5_000;

/**
 * The chain this coordinator settles on (shown in the nav only when /healthz has a chain block): the chain id,
 * the contracts, how far the indexer has read and how many confirmations it waits for, and the latest
 * settlements the indexer mirrored, each with its transactions.
 */
export function ChainPage() {
  const chain = useAsync(() => pm().chain(50), []);
  useEffect(() => {
    const t = setInterval(chain.reload, REFRESH_MS); // the indexer writes no market event: read the mirror again now and then
    return () => clearInterval(t);
  }, []);
  if (!chain.data) return chain.error ? <ErrorBox error={chain.error} /> : <Loading what="the chain" />;
  const c = chain.data;
  const i = c.indexer;
  return (
    <>
      <div class="page-head">
        <h1>Chain</h1>
        <span class={`badge s-${i.status === 'ok' ? 'completed' : i.status === 'starting' || i.status === 'lagging' ? 'pending' : 'failed'}`}>indexer {i.status}</span>
      </div>
      <section class="stats" aria-label="The chain">
        <Stat label="Chain id" value={c.chain_id === null ? '—' : String(c.chain_id)} hint={i.rpc_url} />
        <Stat label="Indexer" value={i.status} hint={i.last_error ?? `${i.failures} failure(s) in a row`} />
        <Stat label="Head block" value={i.head_block ?? '—'} hint={`${i.confirmations} confirmation(s) awaited`} />
        <Stat label="Indexed block" value={i.indexed_block ?? '—'} hint={i.lag_blocks === null ? 'not synced yet' : `${i.lag_blocks} block(s) behind`} />
      </section>
      <div class="grid2">
        <Card title="Contracts">
          <dl class="kv">
            <dt>ProofMarket</dt><dd class="mono" data-contract="proof_market">{c.contracts.proof_market}</dd>
            <dt>JobEscrow</dt><dd class="mono">{c.contracts.job_escrow ?? 'not followed'}</dd>
          </dl>
        </Card>
        <Card title="Indexer cursor">
          {!c.cursor ? <p class="muted">No log read yet.</p> : (
            <dl class="kv">
              <dt>Last log applied</dt><dd>block {c.cursor.block === '-1' ? '—' : c.cursor.block}, log {c.cursor.log_index < 0 ? '—' : c.cursor.log_index}</dd>
              <dt>Every log up to</dt><dd>block {c.cursor.scanned_block}</dd>
              <dt>That block's hash</dt><dd class="mono">{c.cursor.scanned_hash ?? '—'}</dd>
              <dt>Requests</dt><dd>{Object.entries(c.requests).map(([s, n]) => `${count(n)} ${s}`).join(' · ') || 'none yet'}</dd>
            </dl>
          )}
        </Card>
      </div>
      <Card title="Latest settlements">
        <Settlements list={c.settlements} />
      </Card>
    </>
  );
}

function Settlements({ list }: { list: ChainOverview['settlements'] }) {
  if (list.length === 0) return <p class="muted">No request settled on chain yet: a fulfilled, refunded or cancelled request shows here with its transaction.</p>;
  return (
    <TableWrap label="Settlements">
      <thead>
        <tr><th scope="col">When</th><th scope="col">Request</th><th scope="col">Outcome</th><th scope="col" class="num">Price (wei)</th><th scope="col">Prover</th><th scope="col">Settling transaction</th><th scope="col">Opening transaction</th></tr>
      </thead>
      <tbody>
        {list.map((s) => (
          <tr data-settlement={s.request_id}>
            <td><time dateTime={s.at}>{time(s.at)}</time></td>
            <td class="mono" title={s.request_id}>{short(s.request_id, 12)}</td>
            <td><Badge status={s.status} /></td>
            <td class="num">{s.price ? money(s.price) : `— (max ${money(s.max_price)})`}</td>
            <td class="mono" title={s.prover ?? ''}>{short(s.prover, 10)}</td>
            <td class="mono" title={s.settled_tx} data-tx={s.settled_tx}>{s.settled_tx}</td>
            <td class="mono" title={s.created_tx}>{short(s.created_tx, 10)}</td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}
