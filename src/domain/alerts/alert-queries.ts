import type { Db } from '../../db/database.js';

export async function listIncidentAlerts(db: Db, incidentId: string, limit = 500) {
  return db
    .selectFrom('alerts')
    .select([
      'id', 'fingerprint', 'source', 'status', 'title', 'description', 'labels', 'annotations', 'severity',
      'source_severity', 'category', 'generator_url', 'starts_at', 'ends_at', 'last_seen_at', 'count', 'flapping',
      'group_reason', 'created_at',
    ])
    .where('incident_id', '=', incidentId)
    .orderBy('created_at')
    .limit(limit)
    .execute();
}
