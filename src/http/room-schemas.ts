import { z } from 'zod';

/** Response shapes of the web room routes, so the OpenAPI document describes them. */
const at = z.string().nullable().describe('ISO 8601, null until it happens');

export const roomParams = z.object({ id: z.string().describe('incident id or INC-n') });

export const roomOverviewDto = z.object({
  rooms: z.array(z.object({
    provider: z.string().describe('web, feishu, slack…'),
    name: z.string(),
    chat_id: z.string().nullable(),
    status: z.enum(['opening', 'creating', 'active', 'closing', 'closed', 'failed']),
    reason: z.string().nullable().describe('why the room failed or was not opened'),
    created_at: at,
    opened_at: at,
    assembled_at: at,
    first_human_message_at: at,
    closing_at: at,
    closed_at: at,
    message_count: z.number(),
    human_message_count: z.number(),
    time_to_assemble_seconds: z.number().nullable(),
  })),
  members: z.array(z.object({
    user_id: z.string(),
    name: z.string(),
    reasons: z.array(z.string()).describe('why they are in the room'),
    invited_at: at,
    invited_by: z.string(),
    first_spoke_at: at,
    message_count: z.number(),
  })),
  roles: z.array(z.object({ role: z.enum(['commander', 'scribe', 'liaison']), user_id: z.string(), assigned_at: at })),
  mentions: z.array(z.object({ user_id: z.string(), reason: z.string(), suppressed: z.boolean().describe('held back by the mention budget'), at })),
});

export const roomMessageDto = z.object({
  id: z.number(),
  provider: z.string(),
  author_user_id: z.string().nullable(),
  author_label: z.string(),
  kind: z.enum(['human', 'system', 'card']),
  text: z.string(),
  doc: z.unknown().describe('the card (a MessageDoc) for kind=card, else null'),
  created_at: z.string(),
  updated_at: z.string().describe('cards change in place; updated_at tells when'),
});

export const roomMessagesQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

export const roomMessagesDto = z.object({ items: z.array(roomMessageDto) });

export const roomSayDto = z.object({ ok: z.boolean(), reply: z.string().nullable().describe('what warroom answered, for commands') });

export const roomOpenDto = z.object({ opened: z.boolean().describe('false when every room already exists or is opening') });
