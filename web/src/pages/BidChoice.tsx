import { useEffect, useState } from 'preact/hooks';
import { pm, errorText, type BidList, type ChoiceResult, type RequestView } from '../api.ts';
import { ErrorBox, Loading, TableWrap, link } from '../components/ui.tsx';
import { money, short, stars, time } from '../format.ts';
import { useAsync, useIdentity } from '../hooks.ts';

/** Bids arrive without an event of their own: the open round is read again this often. */
const POLL_MS = 2_000;

/**
 * A `requester_choice` request in its bid or choice window: its requester sees every bid with the prover's
 * reputation and stake and picks one (signed with the identity chosen on the Account page); anyone else is told
 * who may choose. Once chosen the round closes and the page's follow() shows the assignment.
 */
export function BidChoice({ request }: { request: RequestView }) {
  const id = useIdentity();
  const mine = id.kind !== 'none' && id.address.toLowerCase() === request.requester.toLowerCase();
  if (!mine) {
    return (
      <p class="muted">
        Only the requester, <span class="mono">{short(request.requester, 12)}</span>, sees the bids and chooses one until the choice window ends
        (then the weighted rule picks). <a href={link('/account')}>Sign as it</a> to choose.
      </p>
    );
  }
  return <BidTable request={request} />;
}

function BidTable({ request }: { request: RequestView }) {
  const [tick, setTick] = useState(0);
  const [chosen, setChosen] = useState<ChoiceResult>();
  const [error, setError] = useState<unknown>();
  const [sending, setSending] = useState<string>();
  const bids = useAsync(() => pm().listBids(request.request_id), [request.request_id, request.round, tick]);
  const open = bids.data ? bids.data.phase === 'bidding' || bids.data.phase === 'choosing' : true;
  useEffect(() => {
    if (!open || chosen) return;
    const t = setTimeout(() => setTick((n) => n + 1), POLL_MS);
    return () => clearTimeout(t);
  }, [open, chosen, bids.data]);

  const choose = async (bidId: string) => {
    setSending(bidId);
    setError(undefined);
    try {
      setChosen(await pm().chooseBid(request.request_id, bidId));
    } catch (err) {
      setError(err);
    } finally {
      setSending(undefined);
    }
  };

  if (!bids.data) return bids.error ? <ErrorBox error={bids.error} /> : <Loading what="the bids" />;
  return (
    <div class="choice">
      <Windows list={bids.data} />
      {chosen && (
        <p class="ok-note" role="status" data-chosen={chosen.bid_id}>
          You chose bid {chosen.bid_id}: <strong>{short(chosen.prover_id, 14)}</strong> is assigned at {money(chosen.price)}.
        </p>
      )}
      {bids.data.bids.length === 0 ? <p class="muted" aria-live="polite">No bid yet: provers bid until {time(bids.data.bid_closes_at)}.</p> : (
        <TableWrap label={`Bids of round ${bids.data.round}`}>
          <thead>
            <tr><th scope="col">Bid</th><th scope="col">Prover</th><th scope="col" class="num">Fee</th><th scope="col" class="num">Reputation</th><th scope="col" class="num">Free stake</th><th scope="col" class="num">Locked stake</th><th scope="col" class="num">Rule's score</th><th scope="col">Choose</th></tr>
          </thead>
          <tbody>
            {bids.data.bids.map((b) => (
              <tr data-bid={b.bid_id}>
                <td class="mono">{b.bid_id}</td>
                <td><a href={link(`/provers/${encodeURIComponent(b.prover_id)}`)} title={b.prover_id}>{b.prover_name ?? short(b.prover_id, 14)}</a></td>
                <td class="num">{money(b.fee)}</td>
                <td class="num">{stars(b.reputation)}</td>
                <td class="num">{money(b.free_stake)}</td>
                <td class="num">{money(b.locked_stake)}</td>
                <td class="num">{b.score === null ? '—' : b.score.toFixed(3)}</td>
                <td>
                  {b.eligible && open && !chosen ? (
                    <button type="button" disabled={sending !== undefined} onClick={() => choose(b.bid_id)} aria-label={`Choose bid ${b.bid_id} of ${b.prover_name ?? b.prover_id} at ${b.fee}`}>
                      {sending === b.bid_id ? 'Choosing…' : 'Choose'}
                    </button>
                  ) : <span class="muted">{b.withdrawn ? 'withdrawn' : b.reason ?? (open ? '' : 'closed')}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      <ErrorBox error={error && errorText(error)} />
    </div>
  );
}

function Windows({ list }: { list: BidList }) {
  return (
    <p>
      Round {list.round} · <strong>{list.phase}</strong> · bids until {time(list.bid_closes_at)}
      {list.choice_closes_at && <> · your choice until {time(list.choice_closes_at)}, then the weighted rule picks</>} · max price {money(list.max_price)}
    </p>
  );
}
