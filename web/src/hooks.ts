import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { EventFilter, MarketEvent } from '../../src/sdk/index.ts';
import { listen } from './api.ts';
import { currentIdentity, onIdentity, type Identity } from './identity.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** The value of `load()`, loaded again when `deps` change or `reload()` is called (the last answer wins). */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => mine === seq.current && setState({ data, loading: false }),
      (error) => mine === seq.current && setState((s) => ({ data: s.data, error, loading: false })),
    );
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** Calls `onEvent` for each market event matching `filter` while the component is shown. */
export function useEvents(filter: EventFilter | undefined, onEvent: (e: MarketEvent) => void, deps: unknown[]): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    if (!filter) return;
    const ctl = new AbortController();
    void listen(filter, ctl.signal, (e) => handler.current(e));
    return () => ctl.abort();
  }, deps);
}

/** `fn` at most once per `ms` (trailing): many events in a burst cause one reload. */
export function useThrottled(fn: () => void, ms: number): () => void {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback(() => {
    if (timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      latest.current();
    }, ms);
  }, [ms]);
}

export function useIdentity(): Identity {
  const [id, setId] = useState(currentIdentity());
  useEffect(() => onIdentity(() => setId(currentIdentity())), []);
  return id;
}
