import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The real rule catalogue the bench draws its alerts from (read at run time, never copied). */
export const RULES_PATH = fileURLToPath(new URL('../../../shared/fixtures/awesome-prometheus-alerts/rules.yml', import.meta.url));

/** One alerting rule of the catalogue, shaped the way Prometheus would label its alerts. */
export interface CatalogueRule {
  alertname: string;
  severity: string;
  description: string;
  /** The monitored service ("PostgreSQL", "Nginx"…) as a label value. */
  service: string;
  /** The exporter that would scrape it, used as the `job` label. */
  job: string;
}

export interface BenchAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

interface RulesFile {
  groups?: { services?: { name?: string; exporters?: { slug?: string; rules?: { name?: string; description?: string; severity?: string }[] }[] }[] }[];
}

/** "Prometheus target missing" → "PrometheusTargetMissing", as alert names are usually written. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** Reads groups[].services[].exporters[].rules[]; names that repeat across exporters keep their first rule. */
export async function loadRuleCatalogue(path = RULES_PATH): Promise<CatalogueRule[]> {
  const file = parse(await readFile(path, 'utf8')) as RulesFile;
  const byName = new Map<string, CatalogueRule>();
  for (const group of file.groups ?? []) {
    for (const service of group.services ?? []) {
      for (const exporter of service.exporters ?? []) {
        for (const rule of exporter.rules ?? []) {
          const alertname = pascalCase(rule.name ?? '');
          if (!alertname || byName.has(alertname)) continue;
          byName.set(alertname, {
            alertname,
            severity: rule.severity ?? 'warning',
            description: (rule.description ?? '').trim(),
            service: slug(service.name ?? 'unknown'),
            job: exporter.slug ?? 'node-exporter',
          });
        }
      }
    }
  }
  if (!byName.size) throw new Error(`no rules found in ${path}`);
  return [...byName.values()];
}

/**
 * The index-th distinct alert of a fleet: rules cycle fastest, then hosts, so every index has its
 * own (alertname, instance) pair and so its own Alertmanager fingerprint.
 */
export function alertAt(rules: CatalogueRule[], index: number, fleet: string): BenchAlert {
  const rule = rules[index % rules.length]!;
  return alertFor(rule, hostName(fleet, Math.floor(index / rules.length)));
}

/** One rule firing on one host. */
export function alertFor(rule: CatalogueRule, instance: string): BenchAlert {
  return {
    labels: {
      alertname: rule.alertname,
      severity: rule.severity,
      service: rule.service,
      job: rule.job,
      instance,
      env: 'prod',
    },
    annotations: {
      summary: `${rule.alertname} on ${instance}`,
      description: rule.description,
      runbook_url: `https://runbooks.example.internal/${rule.service}/${rule.alertname}`,
    },
  };
}

export function hostName(fleet: string, host: number): string {
  return `${fleet}-${String(host).padStart(5, '0')}.prod.example.internal:9100`;
}
