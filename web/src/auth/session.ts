import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, ApiError, setCsrfToken } from '../api/client';
import type { Role, Session } from '../api/types';

const RANK: Record<Role, number> = { viewer: 0, responder: 1, admin: 2 };

async function fetchSession(): Promise<Session | null> {
  try {
    const session = await api.get<Session>('/api/v1/session');
    setCsrfToken(session.csrf_token);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

const sessionQuery = { queryKey: ['session'], queryFn: fetchSession, staleTime: 5 * 60_000, retry: false } as const;

/** The signed-in person, or null; undefined while the first answer is on its way. */
export function useSession() {
  return useQuery(sessionQuery);
}

/** Asks before React's first render, so the answer is on its way while the code starts up. */
export function prefetchSession(client: QueryClient): void {
  void client.prefetchQuery(sessionQuery);
}

/** Whether the signed-in person's role allows `needed`; controls they may not use are hidden or disabled. */
export function useCan(needed: Role): boolean {
  const { data } = useSession();
  return !!data && RANK[data.user.role] >= RANK[needed];
}

export function useLogin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { user: string; password: string }) => api.post<Session>('/api/v1/session', input),
    onSuccess: (session) => {
      setCsrfToken(session.csrf_token);
      client.setQueryData(['session'], session);
    },
  });
}

export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api.delete<void>('/api/v1/session'),
    onSettled: () => {
      setCsrfToken(null);
      client.clear();
      client.setQueryData(['session'], null);
    },
  });
}
