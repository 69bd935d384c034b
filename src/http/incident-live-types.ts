/** The incident live feed's vocabulary: what /api/v1/live sockets receive, and the feed's knobs. */

/** One timeline event, with the incident as it is now (so lists can patch a row without a fetch). */
export interface IncidentLiveEvent {
  type: 'incident';
  event_id: number;
  incident_id: string;
  ref: string;
  kind: string;
  severity: string;
  status: string;
  title: string;
  service_id: string | null;
  at: string;
}

/**
 * What /api/v1/live sends: hello first, then one `incident` per timeline event. `cursor` is the id the
 * stream continues after; `reload: true` means the client missed more than the backlog and should
 * refetch what it shows.
 */
export type IncidentLiveMessage = { type: 'hello'; cursor: number; reload?: true } | IncidentLiveEvent;

export interface IncidentLiveFeedOptions {
  /** How often the shared poller looks for new timeline events. */
  pollMs?: number;
  /** Events per query; a full batch polls again at once. */
  batchSize?: number;
  /**
   * How long (app clock) a missing id below the cursor is re-read. Ids are taken before commit, so a
   * row can appear after a higher one; this must exceed the longest transaction writing the timeline.
   */
  gapWindowMs?: number;
  /** The most events an after= resume replays; further behind, hello says reload. */
  maxBacklog?: number;
  maxSubscribers?: number;
}
