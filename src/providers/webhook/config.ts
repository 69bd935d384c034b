import { z } from 'zod';

/** Outgoing webhook settings. Every body is signed with `secret`; receivers check it with verifyWarroomSignature. */
export const webhookConfigSchema = z.object({
  // Short secrets make the HMAC guessable; 16 characters is the floor, 32 random bytes the advice.
  secret: z.string().min(16, 'secret must be at least 16 characters'),
  timeout_ms: z.number().int().positive().max(120_000).default(10_000),
});

export type WebhookConfigInput = z.input<typeof webhookConfigSchema>;
export type WebhookConfig = z.output<typeof webhookConfigSchema>;
