import { useEffect, useState } from 'preact/hooks';
import { pm, type AuctionExplanation, type AuctionView, type RequestLedger, type RequestView, type VerifiedProof } from '../api.ts';
import { Badge, Card, ErrorBox, Loading, Stat, TableWrap, link } from '../components/ui.tsx';
import { clock, money, short, time } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { VerifyPanel } from './Verify.tsx';
import { BidChoice } from './BidChoice.tsx';

interface Detail {
  request: RequestView;
  rounds: AuctionView[];
  ledger: RequestLedger;
  proof: VerifiedProof | undefined;
  program: string;
}

async function loadDetail(request: RequestView): Promise<Detail> {
  const client = pm();
  const roundNumbers = request.mechanism === 'fixed' || request.mechanism === 'subscription' ? [] : Array.from({ length: request.round }, (_, i) => i + 1);
  const [rounds, ledger, proof, program] = await Promise.all([
    Promise.all(roundNumbers.map((n) => client.getAuction(request.request_id, n))),
    client.requestLedger(request.request_id),
    request.status === 'completed' ? client.getProof(request.request_id) : Promise.resolve(undefined),
    client.getProgram(request.program_id).then((p) => `${p.name} (${p.proof_system})`),
  ]);
  return { request, rounds, ledger, proof, program };
}

/** One request: its timeline, the auction's explanation, its money, and its proof (downloadable, verifiable here). */
export function RequestPage({ id }: { id: string }) {
  const [request, setRequest] = useState<RequestView>();
  const [error, setError] = useState<unknown>();
  // follow it live: the SDK yields the request at each change of status, round, price or prover
  useEffect(() => {
    const ctl = new AbortController();
    setRequest(undefined);
    (async () => {
      try {
        for await (const r of pm().follow(id, { signal: ctl.signal })) setRequest(r);
      } catch (err) {
        if (!ctl.signal.aborted) setError(err);
      }
    })();
    return () => ctl.abort();
  }, [id]);
  const detail = useAsync(() => (request ? loadDetail(request) : Promise.resolve(undefined)), [request?.status, request?.round, request?.assigned_prover, request?.history.length]);
  if (error) return <ErrorBox error={error} />;
  if (!request) return <Loading what="the request" />;
  const d = detail.data?.request.request_id === id ? detail.data : undefined;
  return (
    <>
      <div class="page-head">
        <h1>Request <span class="mono">{short(id, 13)}</span></h1>
        <Badge status={request.status} />
      </div>
      <section class="stats" aria-label="Request terms">
        <Stat label="Status" value={<span data-status={request.status}>{request.status.replace('_', ' ')}</span>} hint={request.assigned_prover ? `prover ${short(request.assigned_prover, 14)}` : 'no prover yet'} />
        <Stat label="Price" value={money(request.price)} hint={`max ${money(request.max_price)}`} />
        <Stat label="Mechanism" value={request.mechanism} hint={request.round ? `round ${request.round}` : 'first eligible taker'} />
        <Stat label="Program" value={d?.program ?? short(request.program_id, 12)} hint={`backend ${request.backend}`} />
        <Stat label="Requester" value={<span class="mono">{short(request.requester, 12)}</span>} hint={`deadline ${time(request.deadline)}`} />
      </section>
      <ErrorBox error={detail.error} />
      {request.mechanism === 'requester_choice' && (request.status === 'pending' || request.status === 'assigned') && (
        <Card title="Choose a bid">
          <BidChoice request={request} />
        </Card>
      )}
      <Card title="Proof">
        {request.status !== 'completed' ? (
          <p class="muted" aria-live="polite">No verified proof yet: the request is {request.status.replace('_', ' ')}. This page follows it live.</p>
        ) : !d?.proof ? (
          <Loading what="the proof" />
        ) : (
          <VerifyPanel request={request} proof={d.proof} />
        )}
      </Card>
      <div class="grid2">
        <Card title="Timeline">
          <ol class="timeline">
            {request.history.map((h) => (
              <li>
                <time dateTime={h.at}>{time(h.at)}</time>
                <div>
                  <strong>{h.cause.replaceAll('_', ' ')}</strong> {h.from ? `${h.from} → ` : ''}{h.to}
                  {h.prover_id && <> · <a href={link(`/provers/${encodeURIComponent(h.prover_id)}`)}>{short(h.prover_id, 14)}</a></>}
                  {h.detail && Object.keys(h.detail).length > 0 && <div class="muted small">{describe(h.detail)}</div>}
                </div>
              </li>
            ))}
          </ol>
        </Card>
        <Card title="Money">
          {!d ? <Loading what="the ledger" /> : d.ledger.movements.length === 0 ? <p class="muted">No money moved (a request that pays nothing).</p> : (
            <TableWrap label="Ledger movements">
              <thead><tr><th scope="col">When</th><th scope="col">Movement</th><th scope="col">Account</th><th scope="col" class="num">Amount</th></tr></thead>
              <tbody>
                {d.ledger.movements.flatMap((m) => m.entries.map((e, i) => (
                  <tr>
                    <td>{i === 0 ? <time dateTime={m.at} title={time(m.at)}>{clock(m.at)}</time> : ''}</td>
                    <td>{i === 0 ? m.kind.replaceAll('_', ' ') : ''}</td>
                    <td class="mono ellipsis" title={e.account}>{short(e.account, 18)}</td>
                    <td class="num">{money(e.amount)}</td>
                  </tr>
                )))}
              </tbody>
            </TableWrap>
          )}
        </Card>
      </div>
      <Card title="Auction">
        {request.mechanism === 'fixed' ? <FixedOutcome auction={request.auction} /> : !d ? <Loading what="the auction" /> : d.rounds.length === 0 ? <p class="muted">No round has opened yet.</p> : d.rounds.map((a) => <Round auction={a} />)}
      </Card>
    </>
  );
}

function FixedOutcome({ auction }: { auction: RequestView['auction'] }) {
  const why = (auction?.explanation as { outcome?: { why?: string } } | null | undefined)?.outcome?.why;
  return <p>A <strong>fixed</strong> request has no bids: the first eligible prover to take it at its max price wins. {why ?? 'Not taken yet.'}</p>;
}

function Round({ auction }: { auction: AuctionView }) {
  const ex = auction.explanation as AuctionExplanation | null;
  return (
    <div class="round">
      <h3>Round {auction.round} · {auction.mechanism} · {auction.phase}</h3>
      {!ex ? <p class="muted">Bidding until {time(auction.bid_closes_at)}; the explanation comes when the round closes.</p> : (
        <>
          <p>{ex.outcome.why}</p>
          <TableWrap label={`Bids of round ${auction.round}`}>
            <thead><tr><th scope="col">#</th><th scope="col">Prover</th><th scope="col">Action</th><th scope="col" class="num">Fee</th><th scope="col" class="num">Score</th><th scope="col">Result</th><th scope="col">Why</th></tr></thead>
            <tbody>
              {ex.entries.map((e) => (
                <tr class={`r-${e.result}`}>
                  <td>{e.seq}</td>
                  <td><a href={link(`/provers/${encodeURIComponent(e.prover_id)}`)}>{short(e.prover_id, 14)}</a></td>
                  <td>{e.action}</td>
                  <td class="num">{money(e.fee)}</td>
                  <td class="num">{e.score === null ? '—' : e.score.toFixed(3)}</td>
                  <td><strong>{e.result}</strong></td>
                  <td>{e.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
          {ex.entries.length === 0 && <p class="muted">No bid was made.</p>}
        </>
      )}
    </div>
  );
}

function describe(detail: Record<string, unknown>): string {
  return Object.entries(detail).map(([k, v]) => `${k.replaceAll('_', ' ')}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' · ');
}
