// ProofMarketClient#follow: a request's views as its events arrive (src/sdk/client.ts).
import type * as T from '../api/index.ts';
import { ABORTED, untilAborted } from './abort.ts';
import type { ProofMarketClient } from './client.ts';

/** The statuses after which a request changes no more (`expired` is in the wire contract; this coordinator fails them). */
const FINAL_REQUEST_STATUSES: ReadonlySet<string> = new Set(['completed', 'failed', 'expired']);

/** What `follow` reports a change of. */
const stateOf = (v: T.RequestView) => JSON.stringify([v.status, v.round, v.price, v.assigned_prover]);

/** See ProofMarketClient#follow. */
export async function* followRequest(
  client: Pick<ProofMarketClient, 'getRequest' | 'events'>,
  requestId: string,
  opts: { intervalMs?: number; signal?: AbortSignal },
): AsyncGenerator<T.RequestView, void, undefined> {
  const { signal } = opts;
  const first = await untilAborted(client.getRequest(requestId), signal);
  if (first === ABORTED) return;
  yield first;
  if (FINAL_REQUEST_STATUSES.has(first.status)) return;
  let last = stateOf(first);
  // From its first event: whatever happened since the view above is replayed, so no change is missed.
  for await (const _ of client.events({ request: requestId }, { after: '0', signal, reconnectMs: opts.intervalMs })) {
    const view = await untilAborted(client.getRequest(requestId), signal);
    if (view === ABORTED) return;
    if (stateOf(view) !== last) yield view;
    last = stateOf(view);
    if (FINAL_REQUEST_STATUSES.has(view.status)) return;
  }
}
