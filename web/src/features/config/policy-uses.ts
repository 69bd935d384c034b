import { SEVERITIES } from '../../api/statuses';
import type { PolicyUse } from './PolicyCard';
import type { PolicyMap } from './queries';
import type { ServiceDetail } from './types';

/** policy id → the services (and severities) that page through it. */
export function policyUses(services: ServiceDetail[], map: PolicyMap): Map<string, PolicyUse[]> {
  const uses = new Map<string, PolicyUse[]>();
  for (const service of services) {
    const bySeverity = map[service.id] ?? {};
    for (const severity of SEVERITIES) {
      const policy = bySeverity[severity];
      if (!policy || policy === 'record') continue;
      const list = uses.get(policy) ?? [];
      let use = list.find((u) => u.serviceId === service.id);
      if (!use) list.push((use = { serviceId: service.id, serviceName: service.name, severities: [] }));
      use.severities.push(severity);
      uses.set(policy, list);
    }
  }
  return uses;
}
