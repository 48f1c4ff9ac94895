import type { SlotplaneClient } from '@slotplane/sdk';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { clientFor, messageOf, refused, type StreamState } from './api.ts';
import type { SlotplaneEvent } from './types.ts';

/** After an error answer, the stream is opened again after this long. */
const RECONNECT_MS = 1000;
/** How many events the feed keeps in memory. */
const FEED_LENGTH = 200;

export interface Live {
  key: string;
  /** Newest first. */
  events: SlotplaneEvent[];
  stream: StreamState;
  /** The SDK's client, with the signed-in key. */
  sdk: SlotplaneClient;
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
  const sdk = useMemo(() => clientFor(apiKey), [apiKey]);
  useEffect(() => {
    const abort = new AbortController();
    void (async () => {
      // The SDK's stream reconnects after the last event it delivered when the connection drops;
      // an error answer ends it: a refused key signs out, any other is tried again from there.
      let cursor = 'now';
      while (!abort.signal.aborted) {
        try {
          const onState = (s: StreamState) => {
            setStream(s);
            if (s === 'live') for (const l of listeners.current) l(null);
          };
          for await (const e of sdk.events.stream({ cursor, waitForApi: true, signal: abort.signal, onState })) {
            cursor = e.id;
            setEvents((prev) => [e, ...prev].slice(0, FEED_LENGTH));
            for (const l of listeners.current) l(e);
          }
        } catch (err) {
          if (abort.signal.aborted) return;
          if (refused(err)) {
            setStream('refused');
            return onRefused();
          }
          console.error('event stream failed; reconnecting:', messageOf(err));
          setStream('retrying');
          await new Promise((r) => setTimeout(r, RECONNECT_MS));
        }
      }
    })();
    return () => abort.abort();
  }, [sdk, onRefused]);
  const subscribe = useCallback((l: (e: SlotplaneEvent | null) => void) => {
    listeners.current.add(l);
    return () => void listeners.current.delete(l);
  }, []);
  return <LiveContext.Provider value={{ key: apiKey, events, stream, sdk, subscribe }}>{children}</LiveContext.Provider>;
}

/** A burst of events costs one request: a reload waits this long for the burst to pass. */
const RELOAD_AFTER_MS = 150;

/**
 * What `load` reads, again whenever an event that `matters` arrives (and when the stream reopens):
 * views follow the event stream instead of polling. `key` names what is read (null: nothing yet);
 * a new key reads at once. Answers are applied in the order they were asked for, so a slow one
 * never overwrites a newer one, and a burst of events never starves the view.
 */
export function useResource<T>(key: string | null, load: (sdk: SlotplaneClient) => Promise<T>, matters: (e: SlotplaneEvent) => boolean, pollMs?: number) {
  const { sdk, subscribe } = useLive();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const mattersRef = useRef(matters);
  mattersRef.current = matters;
  const loadRef = useRef(load);
  loadRef.current = load;
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
    if (key === null) return;
    const seq = ++asked.current;
    loadRef.current(sdk).then(
      (d) => {
        if (seq < applied.current) return;
        applied.current = seq;
        setData(d);
        setError(null);
      },
      (err: unknown) => {
        if (seq < applied.current) return;
        applied.current = seq;
        setError(messageOf(err));
      },
    );
  }, [key, reloads, sdk]);

  return { data, error, reload };
}
