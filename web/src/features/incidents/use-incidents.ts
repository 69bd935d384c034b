import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { SEVERITIES } from '../../api/statuses';
import type { IncidentPage, Severity } from '../../api/types';
import { apiQuery, parseFilters, type IncidentFilters } from './use-incident-filters';

const PAGE = 50;

/**
 * The list, page by page (newest first). Keys start with 'incidents' so the live feed refreshes it;
 * the previous rows stay on screen while a refresh or a filter change loads.
 */
const listOptions = (filters: IncidentFilters) =>
  infiniteQueryOptions({
    queryKey: ['incidents', 'list', filters],
    queryFn: ({ pageParam }) => api.get<IncidentPage>('/api/v1/incidents', { ...apiQuery(filters), limit: PAGE, cursor: pageParam || undefined }),
    initialPageParam: '',
    getNextPageParam: (last: IncidentPage) => last.next_cursor ?? undefined,
  });

export function useIncidentList(filters: IncidentFilters) {
  return useInfiniteQuery({ ...listOptions(filters), placeholderData: keepPreviousData });
}

/**
 * Started before React renders when the tab opens on the list: the list's request then runs
 * alongside the session check instead of after it (a 401 just leaves the cache empty).
 */
export function prefetchIncidentList(client: QueryClient, search: string): void {
  void client.prefetchInfiniteQuery(listOptions(parseFilters(new URLSearchParams(search))));
}

export interface OpenCounts {
  bySeverity: Record<Severity, number>;
  /** True when there are more open incidents than one page holds, so counts are lower bounds. */
  capped: boolean;
}

const COUNT_PAGE = 200;

/** Open incidents per severity, from one page of open incidents (cheap: open ones are few). */
export function useOpenCounts() {
  return useQuery({
    queryKey: ['incidents', 'open-counts'],
    queryFn: async (): Promise<OpenCounts> => {
      const page = await api.get<IncidentPage>('/api/v1/incidents', { status: 'open', limit: COUNT_PAGE });
      const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
      for (const incident of page.items) bySeverity[incident.severity] += 1;
      return { bySeverity, capped: !!page.next_cursor };
    },
    placeholderData: keepPreviousData,
  });
}

export interface BulkAckResult {
  results: { id: string; ref: string | null; ok: boolean; error?: string }[];
}

export function useBulkAcknowledge() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (ids: string[]) => api.post<BulkAckResult>('/api/v1/incidents/acknowledge', { ids }),
    onSettled: () => client.invalidateQueries({ queryKey: ['incidents'] }),
  });
}
