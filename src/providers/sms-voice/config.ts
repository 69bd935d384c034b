import { z } from 'zod';

export const E164 = /^\+[1-9]\d{1,14}$/;

/** Twilio account settings for SMS and voice pages. */
export const smsVoiceConfigSchema = z.object({
  account_sid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'account_sid must be "AC" followed by 32 hex digits'),
  auth_token: z.string().min(1, 'auth_token is required'),
  from: z.string().regex(E164, 'from must be an E.164 number such as +15551234567'),
  // Overridable so tests (and regional edges such as api.dublin.ie1.twilio.com) can point elsewhere.
  base_url: z
    .url({ protocol: /^https?$/ })
    .default('https://api.twilio.com')
    .transform((url) => url.replace(/\/+$/, '')),
  /** Twilio POSTs delivery status here (StatusCallback). */
  status_callback_url: z.url({ protocol: /^https?$/ }).optional(),
  /** Where a voice call POSTs the pressed digit (<Gather action>); without it, pressing 1 is not heard. */
  voice_action_url: z.url({ protocol: /^https?$/ }).optional(),
  timeout_ms: z.number().int().positive().max(120_000).default(10_000),
});

export type SmsVoiceConfigInput = z.input<typeof smsVoiceConfigSchema>;
export type SmsVoiceConfig = z.output<typeof smsVoiceConfigSchema>;
