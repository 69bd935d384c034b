import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { api, liveUrl } from '../../../api/client';
import { incidentPath } from '../api';
import type { RoomLiveEvent, RoomMessage } from '../types';

export type RoomFeedMode = 'connecting' | 'live' | 'polling';

const POLL_MS = 3000;
const PAGE = 500;

/** Messages by id, oldest first; a message seen again (a card edited in place) replaces the old copy. */
function upsert(state: RoomMessage[], incoming: RoomMessage[]): RoomMessage[] {
  if (!incoming.length) return state;
  const byId = new Map(state.map((m) => [m.id, m]));
  let appendOnly = true;
  for (const m of incoming) {
    if (byId.has(m.id) || (state.length && m.id < state[state.length - 1]!.id)) appendOnly = false;
    byId.set(m.id, m);
  }
  if (appendOnly) return [...state, ...incoming.filter((m, i, all) => all.findIndex((x) => x.id === m.id) === i)];
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

type Action = { type: 'upsert'; messages: RoomMessage[] } | { type: 'reset' };
const reducer = (state: RoomMessage[], action: Action) => (action.type === 'reset' ? [] : upsert(state, action.messages));

/**
 * The web room's messages: the history once, then the live socket (resuming after the last id). When
 * the socket cannot be had, it polls ?after= every 3 s and tries the socket again now and then.
 */
export function useRoomMessages(ref: string) {
  const [messages, dispatch] = useReducer(reducer, []);
  const [mode, setMode] = useState<RoomFeedMode>('connecting');
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const lastId = useRef(0);
  const pollNow = useRef<() => void>(() => {});

  const take = useCallback((items: RoomMessage[]) => {
    if (!items.length) return;
    lastId.current = Math.max(lastId.current, ...items.map((m) => m.id));
    dispatch({ type: 'upsert', messages: items });
  }, []);

  useEffect(() => {
    let stopped = false;
    let socket: WebSocket | null = null;
    let pollTimer: number | undefined;
    let retryTimer: number | undefined;
    let retryMs = 15_000;
    dispatch({ type: 'reset' });
    lastId.current = 0;
    setLoading(true);

    const fetchAfter = async () => {
      for (;;) {
        const page = await api.get<{ items: RoomMessage[] }>(`${incidentPath(ref)}/room/messages`, { after: lastId.current, limit: PAGE });
        if (stopped) return;
        take(page.items);
        if (page.items.length < PAGE) return;
      }
    };

    const poll = async () => {
      window.clearTimeout(pollTimer);
      try {
        await fetchAfter();
        setError(null);
      } catch (e) {
        if (!stopped) setError(e);
      }
      if (!stopped && !socket) pollTimer = window.setTimeout(() => void poll(), POLL_MS);
    };
    pollNow.current = () => void poll();

    const connect = () => {
      if (stopped) return;
      const ws = new WebSocket(liveUrl(`${incidentPath(ref)}/room/live?after=${lastId.current}`));
      let opened = false;
      socket = ws;
      ws.onmessage = (event) => {
        let parsed: RoomLiveEvent;
        try {
          parsed = JSON.parse(String(event.data)) as RoomLiveEvent;
        } catch {
          return;
        }
        if (parsed.type === 'hello') {
          opened = true;
          retryMs = 15_000;
          window.clearTimeout(pollTimer);
          setMode('live');
        } else take([parsed.message]);
      };
      ws.onclose = (event) => {
        if (socket === ws) socket = null;
        if (stopped) return;
        setMode('polling');
        void poll();
        // An unknown incident will not come back; anything else (no cookie auth yet, a restart) may.
        if (event.code === 4404) return;
        retryTimer = window.setTimeout(connect, opened ? 1000 : retryMs);
        if (!opened) retryMs = Math.min(retryMs * 2, 120_000);
      };
    };

    fetchAfter()
      .then(() => setError(null))
      .catch((e) => !stopped && setError(e))
      .finally(() => {
        if (stopped) return;
        setLoading(false);
        connect();
      });

    return () => {
      stopped = true;
      window.clearTimeout(pollTimer);
      window.clearTimeout(retryTimer);
      socket?.close();
      pollNow.current = () => {};
    };
  }, [ref, take]);

  /** After posting: the socket brings the message by itself, polling gets it now rather than in 3 s. */
  const refresh = useCallback(() => {
    if (mode !== 'live') pollNow.current();
  }, [mode]);

  return { messages, mode, loading, error, refresh };
}
