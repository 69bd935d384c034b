import { useMutation, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { SEVERITIES } from '../../api/statuses';
import type { Severity } from '../../api/types';
import type { Policy, ServiceDetail, SimulateInput, Simulation } from './types';

export function usePolicies() {
  return useQuery({
    queryKey: ['config', 'policies'],
    queryFn: () => api.get<{ items: Policy[] }>('/api/v1/escalation-policies').then((r) => r.items),
    staleTime: 5 * 60_000,
  });
}

/** The catalog with the extra fields this page reads (same key and request as useServices). */
export function useServiceDetails() {
  return useQuery({ queryKey: ['services'], queryFn: () => api.get<{ items: ServiceDetail[] }>('/api/v1/services').then((r) => r.items), staleTime: 5 * 60_000 });
}

export function useSimulate() {
  return useMutation({ mutationFn: (input: SimulateInput) => api.post<Simulation>('/api/v1/simulate', input) });
}

/** For each service and severity: the policy that would page, null when none, 'record' for record-only severities. */
export type PolicyMap = Record<string, Partial<Record<Severity, string | null>>>;

/** Which policy each service uses per severity, as the services API reports it ("record" when that severity pages nobody). */
export function useServicePolicies(services: ServiceDetail[] | undefined): { map: PolicyMap; loading: boolean; known: boolean } {
  const map: PolicyMap = {};
  for (const s of services ?? []) {
    map[s.id] = Object.fromEntries(SEVERITIES.map((sev) => {
      const paging = s.paging?.[sev];
      return [sev, paging === 'record-only' ? 'record' : (paging ?? null)];
    }));
  }
  return { map, loading: !services, known: true };
}
