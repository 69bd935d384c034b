import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { Service, Team, User } from './types';

const LONG = 5 * 60_000;

export function useUsers() {
  return useQuery({ queryKey: ['users'], queryFn: () => api.get<{ items: User[] }>('/api/v1/users').then((r) => r.items), staleTime: LONG });
}

export function useServices() {
  return useQuery({ queryKey: ['services'], queryFn: () => api.get<{ items: Service[] }>('/api/v1/services').then((r) => r.items), staleTime: LONG });
}

export function useTeams() {
  return useQuery({ queryKey: ['teams'], queryFn: () => api.get<{ items: Team[] }>('/api/v1/teams').then((r) => r.items), staleTime: LONG });
}

/** A user id → display name lookup that falls back to the id while users load. */
export function useUserName(): (id: string | null | undefined) => string {
  const { data } = useUsers();
  return (id) => {
    if (!id) return '';
    return data?.find((u) => u.id === id)?.name ?? id;
  };
}
