import { useHotkeys } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useLocation } from 'wouter';
import type { Incident } from '../../api/types';

/** Keys typed into a field, or Enter on a link or button, are theirs, not the list's. */
function ownedByTarget(event: KeyboardEvent, key: string): boolean {
  const target = event.target as HTMLElement | null;
  if (!target) return false;
  if (target.isContentEditable || target.closest('input, textarea, select, [role="combobox"], [role="dialog"]')) return true;
  return key === 'Enter' && !!target.closest('a, button');
}

/**
 * j / k move a visible cursor over the rows, Enter opens the row under it, x toggles its checkbox.
 * The cursor scrolls into view as it moves.
 */
export function useRowKeys(incidents: Incident[], onToggle: ((incident: Incident) => void) | null): [number, (index: number) => void] {
  const [cursor, setCursor] = useState(-1);
  const [, navigate] = useLocation();
  const current = cursor >= 0 ? incidents[Math.min(cursor, incidents.length - 1)] : undefined;

  const guard = (key: string, run: () => void) => (event: KeyboardEvent) => {
    if (ownedByTarget(event, key)) return;
    event.preventDefault();
    run();
  };
  useHotkeys(
    [
      ['j', guard('j', () => setCursor((c) => Math.min(c + 1, incidents.length - 1)))],
      ['k', guard('k', () => setCursor((c) => Math.max(c - 1, 0)))],
      ['Enter', guard('Enter', () => current && navigate(`/incidents/${current.ref}`))],
      ['x', guard('x', () => current && onToggle?.(current))],
    ],
    // No tags ignored here: `guard` decides, so Enter on a focused link or button stays theirs too.
    [],
  );

  useEffect(() => {
    if (!current) return;
    document.querySelector(`[data-testid="incident-row-${current.ref}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  return [current ? Math.min(cursor, incidents.length - 1) : -1, setCursor];
}
