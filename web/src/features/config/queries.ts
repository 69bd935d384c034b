import { useMutation, useQueries, useQuery } from '@tanstack/react-query';
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

const MAX_PROBED = 25;

/**
 * Which policy each service uses. The services API does not list it today, so unless it does we
 * ask the simulator (a read) once per service and severity; big catalogs skip this.
 */
export function useServicePolicies(services: ServiceDetail[] | undefined): { map: PolicyMap; loading: boolean; known: boolean } {
  const list = services ?? [];
  const exposed = list.length > 0 && list.every((s) => s.escalation_policy !== undefined);
  const probe = !exposed && list.length > 0 && list.length <= MAX_PROBED;
  const pairs = probe ? list.flatMap((s) => SEVERITIES.map((severity) => ({ service: s.id, severity }))) : [];
  const results = useQueries({
    queries: pairs.map((p) => ({
      queryKey: ['config', 'policy-of', p.service, p.severity],
      queryFn: () => api.post<Simulation>('/api/v1/simulate', p),
      staleTime: 5 * 60_000,
      retry: false,
    })),
  });
  const map: PolicyMap = {};
  if (exposed) {
    for (const s of list) {
      map[s.id] = Object.fromEntries(SEVERITIES.map((sev) => [sev, s.escalation_by_severity?.[sev] ?? s.escalation_policy ?? null]));
    }
  }
  pairs.forEach((p, i) => {
    const data = results[i]?.data;
    if (!data) return;
    map[p.service] ??= {};
    map[p.service]![p.severity] = data.policy ?? (data.note?.includes('record-only') ? 'record' : null);
  });
  return { map, loading: results.some((r) => r.isLoading), known: exposed || probe };
}
