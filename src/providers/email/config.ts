import { z } from 'zod';

/**
 * SMTP settings. smtp_url carries the credentials: smtps://user:pass@host:465 (implicit TLS) or
 * smtp://user:pass@host:587 (STARTTLS when offered). Percent-encode special characters in the password.
 * Validation messages never echo the URL, since it holds the password.
 */
export const emailConfigSchema = z.object({
  smtp_url: z.string().refine(isSmtpUrl, { message: 'smtp_url must look like smtp://user:pass@host:port or smtps://user:pass@host:port' }),
  from: z.string().refine(hasAddress, { message: 'from must be an address such as "Warroom <pager@example.com>"' }),
  /** Applies to connecting, the greeting and each SMTP reply; a hung server becomes a RetryableError. */
  timeout_ms: z.number().int().positive().max(300_000).default(30_000),
});

export type EmailConfigInput = z.input<typeof emailConfigSchema>;
export type EmailConfig = z.output<typeof emailConfigSchema>;

function isSmtpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function hasAddress(value: string): boolean {
  return /[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+>?\s*$/.test(value);
}
