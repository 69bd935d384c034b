import { useCallback, useEffect, useRef } from 'react';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { useLiveEvents } from '../api/live';
import type { LiveIncidentEvent } from '../api/types';

const BASE_TITLE = 'warroom';

/** A short two-tone alarm made in the browser, so there is no sound file to load. */
function beep(): void {
  try {
    const audio = new AudioContext();
    [880, 660].forEach((frequency, i) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = frequency;
      gain.gain.value = 0.15;
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + i * 0.25);
      osc.stop(audio.currentTime + i * 0.25 + 0.2);
    });
    window.setTimeout(() => void audio.close(), 1000);
  } catch {
    // Browsers block audio before the first click; the title badge and toast still show.
  }
}

/**
 * New P0s are hard to miss: a badge in the tab title until the tab is looked at, a toast and a
 * sound. Only incidents first seen as triggered count, not updates to old ones.
 */
export function useP0Alarm(): void {
  const { t } = useTranslation();
  const unseen = useRef(new Set<string>());

  const paint = () => {
    document.title = unseen.current.size ? `(${unseen.current.size}) 🚨 P0 · ${BASE_TITLE}` : BASE_TITLE;
  };

  const onEvent = useCallback(
    (event: LiveIncidentEvent) => {
      if (event.severity !== 'P0' || event.kind !== 'incident.triggered') return;
      if (unseen.current.has(event.incident_id)) return;
      if (document.visibilityState === 'hidden' || !document.hasFocus()) unseen.current.add(event.incident_id);
      paint();
      notifications.show({ color: 'red', title: t('newP0', { ref: event.ref, title: event.title }), message: event.service_id ?? '', autoClose: 15_000 });
      beep();
    },
    [t],
  );
  useLiveEvents(onEvent);

  useEffect(() => {
    const seen = () => {
      if (document.visibilityState === 'visible') {
        unseen.current.clear();
        paint();
      }
    };
    document.addEventListener('visibilitychange', seen);
    window.addEventListener('focus', seen);
    return () => {
      document.removeEventListener('visibilitychange', seen);
      window.removeEventListener('focus', seen);
    };
  }, []);
}
