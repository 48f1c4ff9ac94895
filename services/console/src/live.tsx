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
  /** Calls `listener` with every event as it arrives (and with null when the stream (re)opens); returns the unsubscribe. */
  subscribe(listener: (e: SlotplaneEvent | null) => void): () => void;
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
  const listeners = useRef(new Set<(e: SlotplaneEvent | null) => void>());
  useEffect(() => {
    const abort = new AbortController();
    void followEvents(
      apiKey,
      (e) => {
        setEvents((prev) => [e, ...prev].slice(0, FEED_LENGTH));
        for (const l of listeners.current) l(e);
      },
      (s) => {
        setStream(s);
        if (s === 'live') for (const l of listeners.current) l(null);
        if (s === 'refused') onRefused();
      },
      abort.signal,
    );
    return () => abort.abort();
  }, [apiKey, onRefused]);
  const bound = useCallback(<T,>(method: string, path: string, body?: unknown) => call<T>(apiKey, method, path, body), [apiKey]);
  const subscribe = useCallback((l: (e: SlotplaneEvent | null) => void) => {
    listeners.current.add(l);
    return () => void listeners.current.delete(l);
  }, []);
  return <LiveContext.Provider value={{ key: apiKey, events, stream, call: bound, subscribe }}>{children}</LiveContext.Provider>;
}

/** A burst of events costs one request: a reload waits this long for the burst to pass. */
const RELOAD_AFTER_MS = 150;

/**
 * GET `path`, again whenever an event that `matters` arrives (and when the stream reopens): views
 * follow the event stream instead of polling. Answers are applied in the order they were asked
 * for, so a slow one never overwrites a newer one, and a burst of events never starves the view.
 */
export function useResource<T>(path: string | null, matters: (e: SlotplaneEvent) => boolean, pollMs?: number) {
  const { call: get, subscribe } = useLive();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const mattersRef = useRef(matters);
  mattersRef.current = matters;
  const [reloads, setReloads] = useState(0);
  const reload = useCallback(() => setReloads((n) => n + 1), []);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = subscribe((e) => {
      if (e && !mattersRef.current(e)) return;
      timer ??= setTimeout(() => {
        timer = undefined;
        reload();
      }, RELOAD_AFTER_MS);
    });
    const poll = pollMs ? setInterval(reload, pollMs) : undefined;
    return () => {
      unsubscribe();
      clearTimeout(timer);
      clearInterval(poll);
    };
  }, [subscribe, reload, pollMs]);

  const asked = useRef(0);
  const applied = useRef(0);
  useEffect(() => {
    if (!path) return;
    const seq = ++asked.current;
    get<T>('GET', path).then(
      (d) => {
        if (seq < applied.current) return;
        applied.current = seq;
        setData(d);
        setError(null);
      },
      (err: unknown) => {
        if (seq < applied.current) return;
        applied.current = seq;
        setError(err instanceof Error ? err.message : String(err));
      },
    );
  }, [path, reloads, get]);

  return { data, error, reload };
}
