import type { Severity } from '../kernel/index.js';

/** A platform-neutral message; each provider's render.ts turns it into its own format. */
export interface MessageDoc {
  kind: 'page' | 'digest' | 'update' | 'resolved';
  title: string;
  severity: Severity;
  incidentRef?: string;
  incidentUrl?: string;
  summary?: string;
  fields: { label: string; value: string }[];
  links: { label: string; url: string }[];
  /** Buttons where the platform has callbacks, links where it has not. */
  actions: { id: 'view' | 'ack' | 'resolve' | 'escalate'; label: string; url?: string }[];
  /** User ids to @mention (resolved to platform ids by the provider through Recipient.chatIds). */
  mentions: string[];
  footer?: string;
  /** For SMS and voice: how to answer, e.g. "Reply 1a to acknowledge, 1r to resolve". */
  replyHint?: string;
}

