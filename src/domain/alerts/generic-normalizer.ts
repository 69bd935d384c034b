import { ValidationError, fingerprintLabels } from '../../kernel/index.js';
import { genericMappingSchema, type GenericMapping, type GenericWebhook } from '../../contracts/index.js';
import { truncate, type AlertSignal } from './alert-signal.js';

function pick(record: Record<string, unknown>, path: string): unknown {
  let current: unknown = record;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

const asText = (value: unknown): string | null =>
  value === undefined || value === null ? null : typeof value === 'string' ? value : JSON.stringify(value);

/** Generic JSON through the service's field mapping; every failure names the payload field. */
export function normalizeGeneric(
  payload: GenericWebhook,
  mappingOverride: Partial<GenericMapping> | null,
  receivedAt: Date,
): AlertSignal[] {
  const mapping = genericMappingSchema.parse(mappingOverride ?? {});
  const events = Array.isArray(payload) ? payload : [payload];
  return events.map((event, index) => {
    const where = Array.isArray(payload) ? `[${index}].` : '';
    const title = asText(pick(event, mapping.title));
    if (!title) throw new ValidationError(`${where}${mapping.title} is required (the alert title)`, { field: `${where}${mapping.title}` });
    const rawLabels = pick(event, mapping.labels);
    if (rawLabels !== undefined && (rawLabels === null || typeof rawLabels !== 'object' || Array.isArray(rawLabels))) {
      throw new ValidationError(`${where}${mapping.labels} must be an object of label names to values`, {
        field: `${where}${mapping.labels}`,
      });
    }
    const labels: Record<string, string> = {};
    for (const [key, value] of Object.entries((rawLabels as Record<string, unknown>) ?? {})) labels[key] = asText(value) ?? '';
    const status = (asText(pick(event, mapping.status)) ?? 'firing').toLowerCase();
    const resolved = mapping.resolved_values.map((v) => v.toLowerCase()).includes(status);
    const source = asText(pick(event, mapping.source));
    if (source) labels.source ??= source;
    const dedupKey = asText(pick(event, mapping.dedup_key));
    const severity = asText(pick(event, mapping.severity));
    if (severity) labels.severity ??= severity;
    return {
      source: 'generic',
      action: resolved ? 'resolve' : 'trigger',
      fingerprint: dedupKey ?? fingerprintLabels({ ...labels, __title: title }),
      title: truncate(title, 512),
      description: asText(pick(event, mapping.description)),
      labels,
      annotations: dedupKey ? { dedup_key: dedupKey } : ({} as Record<string, string>),
      sourceSeverity: severity,
      startsAt: receivedAt,
      endsAt: resolved ? receivedAt : null,
      generatorUrl: null,
    };
  });
}
