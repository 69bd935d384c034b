/**
 * Durable hooks: incidents enqueue these in the transaction of the change, and the engine reacts
 * (start or stop escalation, sync war rooms) without the incidents domain knowing who listens.
 */
export const INCIDENT_OPENED_TASK = 'incident-opened';

export interface IncidentOpenedPayload {
  incidentIds: string[];
}
export const INCIDENT_CHANGED_TASK = 'incident-changed';

export interface IncidentChangedPayload {
  incidentId: string;
  change: 'status' | 'severity' | 'assignee';
}
