import type { Db } from '../db/database.js';
import type { Severity } from '../kernel/index.js';
import type { NotifyIncident, PageSubject, UserRecord } from '../domain/notify/index.js';
import type { Recipient } from '../providers/api.js';

export interface LoadedIncident {
  item: NotifyIncident;
  title: string;
  createdAt: Date;
  alertCount: number;
  serviceName: string | null;
  links: Record<string, string>;
}

/** What the pipeline needs to know about an incident, in one query. */
export async function loadNotifyIncident(db: Db, incidentId: string): Promise<LoadedIncident | null> {
  const row = await db
    .selectFrom('incidents as i')
    .leftJoin('services as s', 's.id', 'i.service_id')
    .select(['i.id', 'i.number', 'i.status', 'i.severity', 'i.category', 'i.service_id', 'i.metadata', 'i.title', 'i.created_at', 'i.alert_count', 's.name as service_name', 's.links'])
    .where('i.id', '=', incidentId)
    .executeTakeFirst();
  if (!row) return null;
  const labels = ((row.metadata as { labels?: Record<string, string> }).labels ?? {}) as Record<string, string>;
  return {
    item: { id: row.id, number: row.number, status: row.status, severity: row.severity as Severity, category: row.category, serviceId: row.service_id, labels },
    title: row.title,
    createdAt: row.created_at,
    alertCount: row.alert_count,
    serviceName: row.service_name,
    links: (row.links as Record<string, string> | null) ?? {},
  };
}

export function pageSubject(incident: LoadedIncident): PageSubject {
  return {
    number: incident.item.number,
    title: incident.title,
    severity: incident.item.severity,
    status: incident.item.status,
    category: incident.item.category,
    serviceId: incident.item.serviceId,
    serviceName: incident.serviceName,
    createdAt: incident.createdAt,
    alertCount: incident.alertCount,
    links: incident.links,
  };
}

/** A user's contact record as the providers see it. */
export const recipientOf = (contact: UserRecord): Recipient => ({
  userId: contact.id,
  name: contact.name,
  email: contact.email,
  phone: contact.phone,
  webhookUrl: contact.webhookUrl,
  timezone: contact.timezone,
  chatIds: contact.chatIds,
});
