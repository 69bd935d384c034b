import type { Db } from '../db/database.js';
import { searchKnowledge, similarQuery } from '../domain/knowledge/index.js';
import type { KnowledgeHit } from '../domain/warroom/index.js';

/** Finds knowledge-base articles related to an incident, for the room's context post. */
export type KnowledgeSearch = (db: Db, incidentId: string, publicUrl: string) => Promise<KnowledgeHit[]>;

export const incidentKnowledge: KnowledgeSearch = async (db, incidentId, publicUrl) => {
  const incident = await db.selectFrom('incidents').select(['title', 'service_id', 'category', 'metadata']).where('id', '=', incidentId).executeTakeFirst();
  if (!incident) return [];
  const labels = ((incident.metadata as { labels?: Record<string, string> }).labels ?? {}) as Record<string, string>;
  const hits = await searchKnowledge(db, similarQuery({ title: incident.title, serviceId: incident.service_id, category: incident.category, labels }));
  const base = publicUrl.replace(/\/$/, '');
  return hits.map((h) => ({ title: h.title, url: h.url ?? `${base}/knowledge/${encodeURIComponent(h.id)}`, why: h.why }));
};
