import type { Mention, MessageDoc } from '../../contracts/index.js';
import { formatDuration, formatIncidentRef, type Severity } from '../../kernel/index.js';

/** What the room posts are made of; loaded by the engine, composed here without I/O. */
export interface RoomIncident {
  id: string;
  number: number;
  title: string;
  severity: Severity;
  status: string;
  serviceId: string | null;
  serviceName: string | null;
  createdAt: Date;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  impact: string;
  alertCount: number;
  openAlertCount: number;
  links: Record<string, string>;
}

export interface RoomAlert {
  title: string;
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: Date;
  lastSeenAt: Date;
  count: number;
  generatorUrl: string | null;
}

const base = (incident: RoomIncident, title: string, publicUrl: string): MessageDoc => ({
  kind: 'update',
  title,
  severity: incident.severity,
  incidentUrl: `${publicUrl.replace(/\/$/, '')}/incidents/${formatIncidentRef(incident.number)}`,
  fields: [],
  links: [],
  actions: [],
  mentions: [],
});

/** "@alice (on call), @bob (owner of Checkout)": who is needed and why; over-budget people by name only. */
export function mentionsPost(incident: RoomIncident, people: { mention: Mention; reason: string }[], heldBack: { name: string; reason: string }[], publicUrl: string): MessageDoc {
  const doc = base(incident, `📣 ${formatIncidentRef(incident.number)} 需要你们 / needs you`, publicUrl);
  return {
    ...doc,
    summary: 'Please acknowledge on the card above or type "确认" / "ack" here.',
    fields: [
      ...people.map((p) => ({ label: p.mention.kind === 'user' ? p.mention.name : '@all', value: p.reason })),
      ...heldBack.map((p) => ({ label: p.name, value: `${p.reason} (not @mentioned: over the hourly mention budget; in the digest)` })),
    ],
    mentions: people.map((p) => p.mention),
  };
}

export function alertDetailsPost(incident: RoomIncident, alerts: RoomAlert[], publicUrl: string): MessageDoc {
  const doc = base(incident, `🔎 告警详情 / Alert details (${alerts.length})`, publicUrl);
  const shown = alerts.slice(0, 8);
  return {
    ...doc,
    fields: shown.map((a) => ({
      label: `${a.status === 'firing' ? '🔥' : '✅'} ${a.title}`,
      value: [a.annotations.summary ?? a.annotations.description, labelLine(a.labels), `since ${a.startsAt.toISOString()} · seen ${a.count}×, last ${a.lastSeenAt.toISOString()}`].filter(Boolean).join('\n'),
    })),
    links: shown.flatMap((a) => (a.generatorUrl ? [{ label: `Source: ${a.title}`, url: a.generatorUrl }] : [])).slice(0, 3),
    footer: alerts.length > shown.length ? `and ${alerts.length - shown.length} more alerts` : undefined,
  };
}

const labelLine = (labels: Record<string, string>) =>
  Object.entries(labels)
    .filter(([k]) => !['alertname', '__name__'].includes(k))
    .slice(0, 8)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

export interface KnowledgeHit {
  title: string;
  url: string;
  why: string;
}

export interface SimilarIncident {
  ref: string;
  title: string;
  url: string;
  resolvedBy: string | null;
  why: string;
}

/** Related articles, similar past incidents, diagnostic links and the incident document, in one post. */
export function contextPost(incident: RoomIncident, knowledge: KnowledgeHit[], similar: SimilarIncident[], documentUrl: string, publicUrl: string): MessageDoc {
  const doc = base(incident, '📚 参考 / Context', publicUrl);
  const service = incident.serviceId ?? '';
  return {
    ...doc,
    fields: [
      ...knowledge.map((k) => ({ label: `📖 ${k.title}`, value: k.why })),
      ...similar.map((s) => ({ label: `🕘 ${s.ref} ${s.title}`, value: `${s.why}${s.resolvedBy ? `; resolved by ${s.resolvedBy}` : ''}` })),
      ...(knowledge.length || similar.length ? [] : [{ label: 'Knowledge base', value: 'No related article or similar incident found.' }]),
    ],
    links: [
      { label: '📝 Incident document', url: documentUrl },
      ...Object.entries(incident.links).map(([label, url]) => ({ label, url: url.replaceAll('{service}', encodeURIComponent(service)) })),
      ...knowledge.map((k) => ({ label: k.title, url: k.url })),
      ...similar.map((s) => ({ label: s.ref, url: s.url })),
    ],
  };
}

export interface StatusChange {
  at: Date;
  summary: string;
}

/** The periodic update: where things stand, the latest alert values, what changed since the last one. */
export function statusUpdatePost(incident: RoomIncident, alerts: RoomAlert[], changes: StatusChange[], now: Date, nudge: Mention | null, publicUrl: string, openItems: string[] = []): MessageDoc {
  const doc = base(incident, `⏱️ ${formatIncidentRef(incident.number)} 状态更新 / Status update`, publicUrl);
  const firing = alerts.filter((a) => a.status === 'firing');
  return {
    ...doc,
    fields: [
      { label: 'Status', value: incident.status },
      { label: 'Severity', value: incident.severity },
      { label: 'Open for', value: formatDuration(now.getTime() - incident.createdAt.getTime()) },
      { label: 'Alerts firing', value: `${incident.openAlertCount} of ${incident.alertCount}` },
      ...firing.slice(0, 3).map((a) => ({ label: a.title, value: `${a.annotations.value ?? a.annotations.summary ?? ''} (seen ${a.count}×, last ${a.lastSeenAt.toISOString()})`.trim() })),
      { label: 'Since last update', value: changes.length ? changes.slice(-5).map((c) => `${c.at.toISOString().slice(11, 16)} ${c.summary}`).join('\n') : 'no change' },
      ...(openItems.length ? [{ label: 'Action items', value: openItems.join('\n') }] : []),
    ],
    ...(nudge ? { summary: 'No status update from a person in this period: please post one ("status <what we know>").', mentions: [nudge] } : {}),
  };
}

export function resolutionPost(incident: RoomIncident, how: string | null, closeAt: Date, now: Date, publicUrl: string, decisions: string | null = null): MessageDoc {
  const doc = base(incident, `✅ ${formatIncidentRef(incident.number)} 已解决 / Resolved`, publicUrl);
  const end = incident.resolvedAt ?? now;
  return {
    ...doc,
    severity: 'P3',
    fields: [
      { label: 'Resolved at', value: end.toISOString() },
      { label: 'Resolved by', value: incident.resolvedBy ?? 'unknown' },
      { label: 'How', value: how ?? '—' },
      { label: 'Impact', value: `${incident.impact}; ${incident.alertCount} alert(s) on ${incident.serviceName ?? incident.serviceId ?? 'unknown service'}` },
      { label: 'Duration', value: formatDuration(end.getTime() - incident.createdAt.getTime()) },
      { label: 'Time to acknowledge', value: incident.acknowledgedAt ? formatDuration(incident.acknowledgedAt.getTime() - incident.createdAt.getTime()) : 'never acknowledged' },
      ...(decisions ? [{ label: 'Decisions', value: decisions }] : []),
    ],
    footer: `本群将于 ${closeAt.toISOString()} 关闭 / This room closes in ${formatDuration(closeAt.getTime() - now.getTime())}.`,
  };
}

export function noticePost(incident: RoomIncident, title: string, summary: string | undefined, publicUrl: string, mentions: Mention[] = []): MessageDoc {
  return { ...base(incident, title, publicUrl), summary, mentions };
}
