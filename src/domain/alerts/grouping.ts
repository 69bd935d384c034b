import { fingerprintText } from '../../kernel/index.js';
import type { GroupingSettings } from '../services/index.js';

export interface GroupDecision {
  key: string;
  /** People read this on the incident: why alerts share (or do not share) an incident. */
  description: string;
}

/**
 * Alerts of one service with equal values for every `group_by` label share a group key. An alert
 * that has none of those labels is grouped by its own fingerprint: merging unrelated alerts on an
 * empty key is the classic wrong-merge bug.
 */
export function groupKeyFor(serviceId: string, labels: Record<string, string>, fingerprint: string, grouping: GroupingSettings): GroupDecision {
  const present = grouping.groupBy.filter((name) => labels[name] !== undefined);
  if (!present.length) {
    return {
      key: fingerprintText(`${serviceId}\u0000fp\u0000${fingerprint}`),
      description: `not grouped: none of the group_by labels (${grouping.groupBy.join(', ')}) are present`,
    };
  }
  const parts = grouping.groupBy.map((name) => `${name}=${JSON.stringify(labels[name] ?? '')}`);
  return {
    key: fingerprintText(`${serviceId}\u0000${parts.join('\u0000')}`),
    description: parts.join(', '),
  };
}
