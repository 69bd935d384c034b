import { describe, expect, it } from 'vitest';
import {
  INCIDENT_STATUSES,
  OPEN_STATUSES,
  WORKING_STATUSES,
  isIncidentStatus,
  isOpenStatus,
  transition,
  type IncidentStatus,
} from './lifecycle.js';

const PHASES = ['investigating', 'identified', 'containing', 'eradicating', 'recovering', 'monitoring'] as const;

describe('status sets', () => {
  it('open statuses are triggered plus every working status; resolved and closed are not open', () => {
    expect([...OPEN_STATUSES].sort()).toEqual(['triggered', ...WORKING_STATUSES].sort());
    expect(INCIDENT_STATUSES.filter((s) => !isOpenStatus(s))).toEqual(['resolved', 'closed']);
  });

  it.each([
    ['triggered', true],
    ['closed', true],
    ['Triggered', false],
    ['detected', false],
    [42, false],
    [undefined, false],
  ])('isIncidentStatus(%j) → %s', (value, expected) => {
    expect(isIncidentStatus(value)).toBe(expected);
  });
});

describe('acknowledge', () => {
  it('moves a triggered incident to acknowledged and counts as the acknowledgement', () => {
    expect(transition('triggered', { type: 'acknowledge' })).toEqual({ ok: true, from: 'triggered', to: 'acknowledged', acknowledges: true });
  });

  it.each(WORKING_STATUSES)('is refused once %s (already acknowledged)', (from) => {
    expect(transition(from, { type: 'acknowledge' })).toEqual({ ok: false, from, reason: 'incident is already acknowledged' });
  });

  it.each(['resolved', 'closed'] as const)('is refused when %s: reopen first', (from) => {
    expect(transition(from, { type: 'acknowledge' })).toEqual({ ok: false, from, reason: `incident is ${from}; reopen it first` });
  });
});

describe('resolve', () => {
  it.each(OPEN_STATUSES)('works from %s', (from) => {
    expect(transition(from, { type: 'resolve' })).toEqual({ ok: true, from, to: 'resolved', acknowledges: false });
  });

  it.each(['resolved', 'closed'] as const)('is refused when already %s', (from) => {
    expect(transition(from, { type: 'resolve' })).toEqual({ ok: false, from, reason: `incident is already ${from}` });
  });
});

describe('reopen', () => {
  it.each(['resolved', 'closed'] as const)('brings a %s incident back to triggered', (from) => {
    expect(transition(from, { type: 'reopen' })).toEqual({ ok: true, from, to: 'triggered', acknowledges: false });
  });

  it.each(OPEN_STATUSES)('is refused while %s', (from) => {
    expect(transition(from, { type: 'reopen' })).toEqual({ ok: false, from, reason: 'incident is still open' });
  });
});

describe('close', () => {
  it('works only from resolved', () => {
    expect(transition('resolved', { type: 'close' })).toEqual({ ok: true, from: 'resolved', to: 'closed', acknowledges: false });
  });

  it('is refused when already closed', () => {
    expect(transition('closed', { type: 'close' })).toEqual({ ok: false, from: 'closed', reason: 'incident is already closed' });
  });

  it.each(OPEN_STATUSES)('is refused while %s: resolve first', (from) => {
    expect(transition(from, { type: 'close' })).toEqual({ ok: false, from, reason: 'incident must be resolved before it is closed' });
  });
});

describe('set_status', () => {
  const allowed: [IncidentStatus, IncidentStatus, boolean][] = [
    // From triggered into any working status counts as the acknowledgement.
    ...WORKING_STATUSES.map((to): [IncidentStatus, IncidentStatus, boolean] => ['triggered', to, true]),
    ['triggered', 'resolved', false],
    ...PHASES.map((to): [IncidentStatus, IncidentStatus, boolean] => ['acknowledged', to, false]),
    ['acknowledged', 'resolved', false],
    ['investigating', 'identified', false],
    ['identified', 'investigating', false],
    ['containing', 'eradicating', false],
    ['eradicating', 'recovering', false],
    ['recovering', 'monitoring', false],
    ['monitoring', 'investigating', false],
    ['monitoring', 'resolved', false],
    ['resolved', 'triggered', false],
    ['resolved', 'closed', false],
    ['closed', 'triggered', false],
  ];
  it.each(allowed)('%s → %s is allowed (acknowledges: %s)', (from, to, acknowledges) => {
    expect(transition(from, { type: 'set_status', to })).toEqual({ ok: true, from, to, acknowledges });
  });

  const refused: [IncidentStatus, IncidentStatus][] = [
    ['triggered', 'triggered'],
    ['triggered', 'closed'],
    ['acknowledged', 'acknowledged'],
    ['acknowledged', 'triggered'],
    ['acknowledged', 'closed'],
    ...PHASES.map((from): [IncidentStatus, IncidentStatus] => [from, 'acknowledged']),
    ...PHASES.map((from): [IncidentStatus, IncidentStatus] => [from, 'triggered']),
    ...PHASES.map((from): [IncidentStatus, IncidentStatus] => [from, from]),
    ...PHASES.map((from): [IncidentStatus, IncidentStatus] => [from, 'closed']),
    ['resolved', 'resolved'],
    ['resolved', 'acknowledged'],
    ['resolved', 'monitoring'],
    ['closed', 'closed'],
    ['closed', 'resolved'],
    ['closed', 'acknowledged'],
  ];
  it.each(refused)('%s → %s is refused', (from, to) => {
    expect(transition(from, { type: 'set_status', to })).toEqual({ ok: false, from, reason: `cannot move an incident from ${from} to ${to}` });
  });

  it('every status can reach resolved or triggered, so no incident gets stuck', () => {
    for (const from of INCIDENT_STATUSES) {
      const exits = INCIDENT_STATUSES.filter((to) => transition(from, { type: 'set_status', to }).ok);
      expect(exits.length, from).toBeGreaterThan(0);
      expect(exits.includes('resolved') || exits.includes('triggered'), from).toBe(true);
    }
  });

  it('only a move out of triggered ever acknowledges', () => {
    for (const from of INCIDENT_STATUSES) {
      for (const to of INCIDENT_STATUSES) {
        const decision = transition(from, { type: 'set_status', to });
        if (decision.ok && decision.acknowledges) expect(from).toBe('triggered');
      }
    }
  });
});
