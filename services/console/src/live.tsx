import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { call, followEvents, type StreamState } from './api.ts';
import type { SlotplaneEvent } from './types.ts';

/** How many events the feed keeps in memory. */
const FEED_LENGTH = 200;

export interface Live {
  key: string;
  /** Newest first. */
  events: SlotplaneEvent[];
  stream: StreamState;
  call<T>(method: string, path: string, body?: unknown): Promise<T>;
}

const LiveContext = createContext<Live | null>(null);

export function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLive outside <LiveProvider>');
  return live;
}

/** Opens the event stream once for the whole console; every view reads from it. */
export function LiveProvider({ apiKey, onRefused, children }: { apiKey: string; onRefused: () => void; children: React.ReactNode }) {
  const [events, setEvents] = useState<SlotplaneEvent[]>([]);
  const [stream, setStream] = useState<StreamState>('connecting');
  useEffect(() => {
    const abort = new AbortController();
    void followEvents(
      apiKey,
      (e) => setEvents((prev) => [e, ...prev].slice(0, FEED_LENGTH)),
      (s) => {
        setStream(s);
        if (s === 'refused') onRefused();
      },
      abort.signal,
    );
    return () => abort.abort();
  }, [apiKey, onRefused]);
  const bound = useCallback(<T,>(method: string, path: string, body?: unknown) => call<T>(apiKey, method, path, body), [apiKey]);
  return <LiveContext.Provider value={{ key: apiKey, events, stream, call: bound }}>{children}</LiveContext.Provider>;
}

/**
 * GET `path`, again whenever an event that `matters` arrives (and when the stream reconnects):
 * views follow the event stream instead of polling. A burst of events costs one request.
 */
export function useResource<T>(path: string | null, matters: (e: SlotplaneEvent) => boolean, pollMs?: number) {
  const live = useLive();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const seen = useRef<string | undefined>(undefined);
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const mattersRef = useRef(matters);
  mattersRef.current = matters;

  useEffect(() => {
    const newest = live.events[0];
    if (!newest || newest.id === seen.current) return;
    const fresh = [];
    for (const e of live.events) {
      if (e.id === seen.current) break;
      fresh.push(e);
    }
    seen.current = newest.id;
    if (fresh.some((e) => mattersRef.current(e)) && !pending.current) {
      pending.current = setTimeout(() => {
        pending.current = undefined;
        setReloads((n) => n + 1);
      }, 150);
    }
  }, [live.events]);
  useEffect(() => () => clearTimeout(pending.current), []);
  useEffect(() => {
    if (live.stream === 'live') setReloads((n) => n + 1);
  }, [live.stream]);
  useEffect(() => {
    if (!pollMs) return;
    const t = setInterval(() => setReloads((n) => n + 1), pollMs);
    return () => clearInterval(t);
  }, [pollMs]);

  useEffect(() => {
    if (!path) return;
    let current = true;
    live.call<T>('GET', path).then(
      (d) => current && (setData(d), setError(null)),
      (err: unknown) => current && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      current = false;
    };
  }, [path, reloads, live.call]);

  return { data, error, reload: () => setReloads((n) => n + 1) };
}
