import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client';
import type { IncidentDetail } from '../../api/types';
import type { ActionItem, Decision, NotificationsAnswer, RoomOverview, SimilarAnswer } from './types';

/**
 * Everything about one incident lives under ['incident', ref, …], so the live feed refreshes it all
 * whenever the incident changes.
 */
const base = (ref: string) => `/api/v1/incidents/${encodeURIComponent(ref)}`;

export const incidentPath = base;

export function useIncidentDetail(ref: string) {
  return useQuery({ queryKey: ['incident', ref, 'detail'], queryFn: () => api.get<IncidentDetail>(base(ref)) });
}

export function useNotifications(ref: string) {
  return useQuery({ queryKey: ['incident', ref, 'notifications'], queryFn: () => api.get<NotificationsAnswer>(`${base(ref)}/notifications`) });
}

export function useRoom(ref: string) {
  return useQuery({ queryKey: ['incident', ref, 'room'], queryFn: () => api.get<RoomOverview>(`${base(ref)}/room`) });
}

export function useActionItems(ref: string) {
  return useQuery({ queryKey: ['incident', ref, 'action-items'], queryFn: () => api.get<{ items: ActionItem[] }>(`${base(ref)}/action-items`).then((r) => r.items) });
}

export function useDecisions(ref: string) {
  return useQuery({ queryKey: ['incident', ref, 'decisions'], queryFn: () => api.get<{ items: Decision[] }>(`${base(ref)}/decisions`).then((r) => r.items) });
}

export function useDocument(ref: string, enabled: boolean) {
  // The answer is text/markdown; the client hands back the text when it is not JSON.
  return useQuery({ queryKey: ['incident', ref, 'document'], queryFn: () => api.get<string>(`${base(ref)}/document`).then(String), enabled });
}

export function useSimilar(ref: string) {
  return useQuery({
    queryKey: ['incident', ref, 'similar'],
    queryFn: () => api.get<SimilarAnswer>(`${base(ref)}/similar`),
    staleTime: 60_000,
    // Older servers lack the route: show nothing rather than an error.
    retry: (count, error) => !(error instanceof ApiError && error.status === 404) && count < 1,
  });
}

/** The server's own words on a refusal (409 explains what the lifecycle allows). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A change to the incident: on failure the server's message is shown; either way everything about
 * the incident is fetched again (the live feed would too, this is just sooner).
 */
export function useIncidentMutation<TInput, TResult = unknown>(ref: string, run: (input: TInput) => Promise<TResult>, options: { success?: (result: TResult, input: TInput) => string | null } = {}) {
  const client = useQueryClient();
  const { t } = useTranslation('incident');
  return useMutation({
    mutationFn: run,
    onSuccess: (result, input) => {
      const message = options.success?.(result, input);
      if (message) notifications.show({ color: 'green', message, autoClose: 3000 });
    },
    onError: (error) => {
      notifications.show({ color: 'red', title: t('actionFailed'), message: errorText(error), autoClose: 8000 });
    },
    onSettled: () => client.invalidateQueries({ queryKey: ['incident', ref] }),
  });
}

export type LifecycleAction = 'acknowledge' | 'resolve' | 'reopen';

export function useLifecycle(ref: string) {
  const { t } = useTranslation('incident');
  return useIncidentMutation(ref, ({ action, note }: { action: LifecycleAction; note?: string }) => api.post(`${base(ref)}/${action}`, note ? { note } : {}), {
    success: (_r, { action }) => t(`done.${action}`, { ref }),
  });
}

export function useEscalate(ref: string) {
  const { t } = useTranslation('incident');
  return useIncidentMutation(ref, () => api.post(`${base(ref)}/escalate`, {}), { success: () => t('done.escalate', { ref }) });
}

/** Opens the war room now (P2 and P3 incidents do not get one by themselves), or retries a failed one. */
export function useOpenRoom(ref: string) {
  const { t } = useTranslation('incident');
  return useIncidentMutation(ref, () => api.post<{ opened: boolean }>(`${base(ref)}/room/open`, {}), {
    success: (r) => (r.opened ? t('done.roomOpened') : t('done.roomExists')),
  });
}
