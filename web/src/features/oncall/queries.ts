import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { NewOverride, OnCallNow, Schedule, Shift, Timeline } from './types';

/** Every on-call query key starts with 'oncall', so one invalidation refreshes the whole page after an override. */
const MINUTE = 60_000;

export function useSchedules() {
  return useQuery({
    queryKey: ['oncall', 'schedules'],
    queryFn: () => api.get<{ items: Schedule[] }>('/api/v1/schedules').then((r) => r.items),
    staleTime: 5 * MINUTE,
  });
}

export function useOnCallNow() {
  return useQuery({ queryKey: ['oncall', 'now'], queryFn: () => api.get<OnCallNow>('/api/v1/oncall'), refetchInterval: MINUTE });
}

const timelineQuery = (scheduleId: string, from: number, days: number) => ({
  queryKey: ['oncall', 'timeline', scheduleId, from, days],
  queryFn: () => api.get<Timeline>(`/api/v1/schedules/${encodeURIComponent(scheduleId)}/timeline`, { from: new Date(from).toISOString(), days }),
  staleTime: MINUTE,
});

/** The timelines of several schedules over one window, fetched side by side. */
export function useTimelines(scheduleIds: string[], from: number, days: number) {
  return useQueries({ queries: scheduleIds.map((id) => ({ ...timelineQuery(id, from, days), placeholderData: (previous: Timeline | undefined) => previous })) });
}

export function useShifts(userId: string | undefined, from: number, days: number) {
  return useQuery({
    queryKey: ['oncall', 'shifts', userId, from, days],
    queryFn: () => api.get<{ items: Shift[] }>(`/api/v1/users/${encodeURIComponent(userId!)}/shifts`, { from: new Date(from).toISOString(), days }).then((r) => r.items),
    enabled: !!userId,
    staleTime: MINUTE,
  });
}

export function useCreateOverride() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ scheduleId, body }: { scheduleId: string; body: NewOverride }) =>
      api.post<{ id: string }>(`/api/v1/schedules/${encodeURIComponent(scheduleId)}/overrides`, body),
    onSettled: () => client.invalidateQueries({ queryKey: ['oncall'] }),
  });
}

export function useDeleteOverride() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ scheduleId, overrideId }: { scheduleId: string; overrideId: string }) =>
      api.delete<void>(`/api/v1/schedules/${encodeURIComponent(scheduleId)}/overrides/${encodeURIComponent(overrideId)}`),
    onSettled: () => client.invalidateQueries({ queryKey: ['oncall'] }),
  });
}
