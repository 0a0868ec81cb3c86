// The one client of the coordinator the pages use: the SDK, on this page's origin, signing as the chosen identity.
import { ProofMarketClient, type MarketEvent, type EventFilter } from '../../src/sdk/index.ts';
import { currentSigner } from './identity.ts';

export type * from '../../src/sdk/index.ts';

/** A client signing as the identity chosen now (a new one each call: the identity may change). */
export function pm(): ProofMarketClient {
  return new ProofMarketClient({ baseUrl: location.origin, signer: currentSigner(), fetch: (url, init) => fetch(url, init) });
}

/** The market's events as they happen, until `signal` aborts (the SDK reconnects and resumes by itself). */
export async function listen(filter: EventFilter, signal: AbortSignal, onEvent: (e: MarketEvent) => void): Promise<void> {
  try {
    for await (const e of pm().events(filter, { signal })) onEvent(e);
  } catch (err) {
    if (!signal.aborted) console.warn('event stream ended', err);
  }
}

/** A refusal's text: the coordinator's code and message. */
export function errorText(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return e?.code ? `${e.code}: ${e.message}` : String(e?.message ?? err);
}
