import { describe, expect, it } from 'vitest';
import type { GroupingSettings } from '../services/index.js';
import { groupKeyFor } from './grouping.js';

const BY_NAME_AND_CLUSTER: GroupingSettings = { groupBy: ['alertname', 'cluster'], windowMs: 300_000 };

describe('groupKeyFor', () => {
  it('alerts of one service with the same group_by values share a key, whatever else differs', () => {
    const a = groupKeyFor('web', { alertname: 'HighCPU', cluster: 'eu', instance: 'web-1' }, 'fp-1', BY_NAME_AND_CLUSTER);
    const b = groupKeyFor('web', { instance: 'web-2', cluster: 'eu', alertname: 'HighCPU' }, 'fp-2', BY_NAME_AND_CLUSTER);
    expect(b.key).toBe(a.key);
    expect(a.key).toMatch(/^[0-9a-f]{16}$/);
    expect(a.description).toBe('alertname="HighCPU", cluster="eu"');
  });

  it.each([
    ['another service', 'api', { alertname: 'HighCPU', cluster: 'eu' }],
    ['another cluster', 'web', { alertname: 'HighCPU', cluster: 'us' }],
    ['another alert name', 'web', { alertname: 'HighMemory', cluster: 'eu' }],
    ['a missing cluster', 'web', { alertname: 'HighCPU' }],
  ])('%s gives a different key', (_, serviceId, labels) => {
    const base = groupKeyFor('web', { alertname: 'HighCPU', cluster: 'eu' }, 'fp-1', BY_NAME_AND_CLUSTER);
    expect(groupKeyFor(serviceId, labels, 'fp-1', BY_NAME_AND_CLUSTER).key).not.toBe(base.key);
  });

  it('a group_by label that is missing counts as empty when another is present', () => {
    const decision = groupKeyFor('web', { alertname: 'HighCPU' }, 'fp-1', BY_NAME_AND_CLUSTER);
    expect(decision.description).toBe('alertname="HighCPU", cluster=""');
    expect(groupKeyFor('web', { alertname: 'HighCPU' }, 'fp-2', BY_NAME_AND_CLUSTER).key).toBe(decision.key);
  });

  it('values are quoted, so "a,b" in one label cannot collide with a split across two', () => {
    const settings: GroupingSettings = { groupBy: ['x', 'y'], windowMs: 0 };
    const joined = groupKeyFor('web', { x: 'a", y="b', y: '' }, 'fp', settings);
    const split = groupKeyFor('web', { x: 'a', y: 'b' }, 'fp', settings);
    expect(joined.key).not.toBe(split.key);
  });

  it('an alert with none of the group_by labels is grouped by its own fingerprint, and says so', () => {
    const a = groupKeyFor('web', { instance: 'web-1' }, 'fp-1', BY_NAME_AND_CLUSTER);
    const again = groupKeyFor('web', { instance: 'web-9' }, 'fp-1', BY_NAME_AND_CLUSTER);
    const other = groupKeyFor('web', { instance: 'web-1' }, 'fp-2', BY_NAME_AND_CLUSTER);
    expect(again.key).toBe(a.key);
    expect(other.key).not.toBe(a.key);
    expect(a.description).toBe('not grouped: none of the group_by labels (alertname, cluster) are present');
    // Never the same key as an alert whose group_by labels happen to be empty strings.
    expect(groupKeyFor('web', { alertname: '', cluster: '' }, 'fp-1', BY_NAME_AND_CLUSTER).key).not.toBe(a.key);
  });

  it('per-fingerprint keys stay per service', () => {
    expect(groupKeyFor('api', {}, 'fp-1', BY_NAME_AND_CLUSTER).key).not.toBe(groupKeyFor('web', {}, 'fp-1', BY_NAME_AND_CLUSTER).key);
  });

  it('an empty group_by never merges alerts', () => {
    const settings: GroupingSettings = { groupBy: [], windowMs: 300_000 };
    const a = groupKeyFor('web', { alertname: 'A' }, 'fp-1', settings);
    expect(groupKeyFor('web', { alertname: 'A' }, 'fp-2', settings).key).not.toBe(a.key);
    expect(a.description).toBe('not grouped: none of the group_by labels () are present');
  });
});
