import { useEffect, useSyncExternalStore } from 'react';
import type { QueryClient } from '@tanstack/react-query';
import { liveUrl } from './client';
import type { LiveIncidentEvent, LiveMessage } from './types';

/**
 * One websocket per tab to /api/v1/live. Every incident event refreshes the queries that show it,
 * and listeners (the new-P0 alarm) see the events. It resumes after the last event it saw.
 */
type Listener = (event: LiveIncidentEvent) => void;

let socket: WebSocket | null = null;
let cursor = 0;
let connected = false;
let stopped = true;
let retryMs = 1000;
let client: QueryClient | null = null;
const listeners = new Set<Listener>();
const statusListeners = new Set<() => void>();
let pendingListRefresh: number | null = null;

function setConnected(value: boolean): void {
  connected = value;
  statusListeners.forEach((l) => l());
}

function refreshFor(event: LiveIncidentEvent): void {
  if (!client) return;
  void client.invalidateQueries({ predicate: (q) => q.queryKey[0] === 'incident' && (q.queryKey[1] === event.ref || q.queryKey[1] === event.incident_id) });
  // Bursts of events (an alert storm) fold into one list refresh.
  if (pendingListRefresh === null) {
    pendingListRefresh = window.setTimeout(() => {
      pendingListRefresh = null;
      void client?.invalidateQueries({ queryKey: ['incidents'] });
    }, 250);
  }
}

function connect(): void {
  if (stopped) return;
  const ws = new WebSocket(liveUrl(`/api/v1/live${cursor ? `?after=${cursor}` : ''}`));
  socket = ws;
  ws.onopen = () => {
    retryMs = 1000;
    setConnected(true);
  };
  ws.onmessage = (message) => {
    let parsed: LiveMessage;
    try {
      parsed = JSON.parse(String(message.data)) as LiveMessage;
    } catch {
      return;
    }
    if (parsed.type === 'hello') {
      // Anything may have changed while we were away; past the server's backlog, open incidents too.
      if (cursor && parsed.cursor > cursor) void client?.invalidateQueries({ queryKey: ['incidents'] });
      if (parsed.reload) void client?.invalidateQueries({ queryKey: ['incident'] });
      cursor = Math.max(cursor, parsed.cursor);
      return;
    }
    if (parsed.type === 'incident') {
      cursor = Math.max(cursor, parsed.event_id);
      refreshFor(parsed);
      listeners.forEach((l) => l(parsed));
    }
  };
  ws.onclose = (event) => {
    // A socket replaced by a newer one (sign-out and in, StrictMode's double effect) must not reconnect.
    if (socket !== ws) return;
    socket = null;
    setConnected(false);
    if (stopped || event.code === 4401) return;
    window.setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 15_000);
  };
}

/** Starts the feed for this tab (once signed in) and stops it on sign-out. */
export function useLiveFeed(queryClient: QueryClient, enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    client = queryClient;
    stopped = false;
    connect();
    return () => {
      stopped = true;
      socket?.close();
      socket = null;
      cursor = 0;
    };
  }, [queryClient, enabled]);
}

export function useLiveEvents(listener: Listener): void {
  useEffect(() => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, [listener]);
}

export function useLiveConnected(): boolean {
  return useSyncExternalStore(
    (l) => {
      statusListeners.add(l);
      return () => statusListeners.delete(l);
    },
    () => connected,
  );
}
