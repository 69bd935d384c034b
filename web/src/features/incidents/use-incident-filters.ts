import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'wouter';
import { SEVERITIES, WORKING_STATUSES } from '../../api/statuses';
import type { Severity } from '../../api/types';

/** The status choices of the list; "acknowledged" covers every working status (investigating, identified…). */
export const STATUS_FILTERS = ['open', 'triggered', 'acknowledged', 'resolved', 'all'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export interface IncidentFilters {
  status: StatusFilter;
  severities: Severity[];
  services: string[];
  mine: boolean;
}

const API_STATUS: Record<StatusFilter, string[]> = {
  open: ['open'],
  triggered: ['triggered'],
  acknowledged: WORKING_STATUSES,
  resolved: ['resolved', 'closed'],
  all: [],
};

const list = (value: string | null): string[] => (value ? value.split(',').filter(Boolean) : []);

/** The query the API takes for these filters (page size and cursor are added by the caller). */
export function apiQuery(filters: IncidentFilters) {
  return {
    status: API_STATUS[filters.status],
    severity: filters.severities,
    service: filters.services,
    assignee: filters.mine ? 'me' : undefined,
  };
}

export const hasNarrowingFilters = (f: IncidentFilters): boolean => f.severities.length > 0 || f.services.length > 0 || f.mine;

/** The filters a URL query string names; defaults for what it leaves out. */
export function parseFilters(params: URLSearchParams): IncidentFilters {
  const status = params.get('status');
  return {
    status: STATUS_FILTERS.includes(status as StatusFilter) ? (status as StatusFilter) : 'open',
    severities: SEVERITIES.filter((s) => list(params.get('severity')).includes(s)),
    services: list(params.get('service')),
    mine: params.get('assignee') === 'me',
  };
}

/**
 * Filters live in the URL (?status=triggered&severity=P0,P1&service=checkout&assignee=me) so a
 * filtered view can be shared or bookmarked. Defaults are left out of the URL.
 */
export function useIncidentFilters(): [IncidentFilters, (change: Partial<IncidentFilters>) => void] {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => parseFilters(params), [params]);

  const update = useCallback(
    (change: Partial<IncidentFilters>) => {
      const next = { ...filters, ...change };
      const query: Record<string, string> = {};
      if (next.status !== 'open') query.status = next.status;
      if (next.severities.length) query.severity = next.severities.join(',');
      if (next.services.length) query.service = next.services.join(',');
      if (next.mine) query.assignee = 'me';
      setParams(query, { replace: true });
    },
    [filters, setParams],
  );
  return [filters, update];
}
