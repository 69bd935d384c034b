import { formatIncidentRef, type Severity } from '../../kernel/index.js';
import type { MessageDoc } from '../../contracts/index.js';

export interface PageSubject {
  number: number;
  title: string;
  severity: Severity;
  status: string;
  category: string;
  serviceId: string | null;
  serviceName: string | null;
  createdAt: Date;
  alertCount: number;
  links: Record<string, string>;
}

/** The neutral page every channel renders: what broke, how bad, where to look, how to answer. */
export function composePage(subject: PageSubject, publicUrl: string, options: { replyCode?: string | null; kind?: MessageDoc['kind'] } = {}): MessageDoc {
  const ref = formatIncidentRef(subject.number);
  const incidentUrl = `${publicUrl.replace(/\/$/, '')}/incidents/${ref}`;
  const service = subject.serviceId ?? '';
  return {
    kind: options.kind ?? 'page',
    title: subject.title,
    severity: subject.severity,
    incidentRef: ref,
    incidentUrl,
    status: subject.status,
    fields: [
      { label: 'Service', value: subject.serviceName ?? subject.serviceId ?? '—' },
      { label: 'Severity', value: subject.severity },
      { label: 'Status', value: subject.status },
      { label: 'Category', value: subject.category },
      { label: 'Started', value: subject.createdAt.toISOString() },
      { label: 'Alerts', value: String(subject.alertCount) },
    ],
    links: Object.entries(subject.links).map(([label, url]) => ({ label, url: url.replaceAll('{service}', encodeURIComponent(service)) })),
    actions: [
      { id: 'view', label: 'View details', url: incidentUrl },
      { id: 'ack', label: 'Acknowledge', url: `${incidentUrl}?action=ack` },
      { id: 'resolve', label: 'Resolve', url: `${incidentUrl}?action=resolve` },
      { id: 'escalate', label: 'Escalate', url: `${incidentUrl}?action=escalate` },
    ],
    mentions: [],
    ...(options.replyCode ? { replyHint: `Reply ${options.replyCode}a to acknowledge, ${options.replyCode}r to resolve` } : {}),
  };
}

/** One message standing in for the pages a budget held back. */
export function composeDigest(items: { number: number; title: string; severity: Severity }[], publicUrl: string): MessageDoc {
  const worst = items.map((i) => i.severity).sort()[0] ?? 'P3';
  return {
    kind: 'digest',
    title: `${items.length} page${items.length === 1 ? '' : 's'} held back by your notification budget`,
    severity: worst,
    fields: items.slice(0, 20).map((i) => ({ label: formatIncidentRef(i.number), value: `[${i.severity}] ${i.title}` })),
    links: [{ label: 'Open incidents', url: `${publicUrl.replace(/\/$/, '')}/incidents?status=open` }],
    actions: [],
    mentions: [],
    footer: items.length > 20 ? `and ${items.length - 20} more` : undefined,
  };
}
