import type { Severity } from '../kernel/index.js';

/** Someone to @mention; each renderer picks the id its platform knows (chatIds, or phone on DingTalk). */
export type Mention =
  | { kind: 'user'; userId: string; name: string; chatIds: Record<string, string>; phone: string | null }
  | { kind: 'all' };

/** A button: a callback where the platform has callbacks, a link (url) where it has not. */
export interface MessageAction {
  id: 'view' | 'ack' | 'resolve' | 'escalate';
  label: string;
  url?: string;
}

/** A platform-neutral message; each provider's render.ts turns it into its own format. */
export interface MessageDoc {
  kind: 'page' | 'digest' | 'update' | 'resolved';
  title: string;
  severity: Severity;
  incidentRef?: string;
  incidentUrl?: string;
  /** The incident's status when the doc was made; cards show it and drop buttons that no longer apply. */
  status?: string;
  summary?: string;
  fields: { label: string; value: string }[];
  links: { label: string; url: string }[];
  actions: MessageAction[];
  mentions: Mention[];
  footer?: string;
  /** For SMS and voice: how to answer, e.g. "Reply 1a to acknowledge, 1r to resolve". */
  replyHint?: string;
}
