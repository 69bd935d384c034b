import { useSyncExternalStore } from 'react';

// One ticking clock for every relative time on the page, instead of a timer per component.
let now = Date.now();
const listeners = new Set<() => void>();
let timer: number | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === null) {
    timer = window.setInterval(() => {
      now = Date.now();
      listeners.forEach((l) => l());
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (!listeners.size && timer !== null) {
      window.clearInterval(timer);
      timer = null;
    }
  };
}

// While nothing ticks, the stored time goes stale: the first reader after a pause refreshes it
// (only when a second or more behind, so repeated reads in one render agree).
function snapshot(): number {
  if (timer === null && Date.now() - now >= 1000) now = Date.now();
  return now;
}

/** The current time in ms, updated every second. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, snapshot);
}
