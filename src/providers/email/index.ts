import nodemailer from 'nodemailer';
import { PermanentError, systemClock, type Clock } from '../../kernel/index.js';
import type { ChannelSender, NotificationProvider } from '../api.js';
import { emailConfigSchema, type EmailConfigInput } from './config.js';
import { messageIdFor } from './message-id.js';
import { renderEmail } from './render.js';
import { classifySmtpError, secretFormsOf } from './smtp-errors.js';

export { emailConfigSchema, type EmailConfig, type EmailConfigInput } from './config.js';
export { renderEmail, type RenderedEmail } from './render.js';
export { messageIdFor } from './message-id.js';

export const IDEMPOTENCY_HEADER = 'X-Warroom-Idempotency-Key';

export interface EmailProviderDeps {
  clock?: Clock;
}

/**
 * Email over SMTP with nodemailer. One connection per message (no pool): pages are few, and a
 * fresh connection never inherits a half-dead socket. externalId is the Message-ID, which is
 * derived from the idempotency key (see message-id.ts).
 */
export function createEmailProvider(config: EmailConfigInput, deps: EmailProviderDeps = {}): NotificationProvider {
  const settings = emailConfigSchema.parse(config);
  const clock = deps.clock ?? systemClock;
  const secrets = secretFormsOf(settings.smtp_url);
  const transport = nodemailer.createTransport({
    url: settings.smtp_url,
    connectionTimeout: settings.timeout_ms,
    greetingTimeout: settings.timeout_ms,
    socketTimeout: settings.timeout_ms,
    dnsTimeout: settings.timeout_ms,
    // Messages are built from MessageDoc only; never let content make nodemailer read files or fetch URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
  });

  const sender: ChannelSender = {
    channel: 'email',
    async send(to, doc, options) {
      if (!to.email) throw new PermanentError(`recipient ${to.userId} has no email address`);
      const rendered = renderEmail(doc);
      const messageId = messageIdFor(options.idempotencyKey, settings.from);
      let info: { messageId?: string; rejected?: unknown[] };
      try {
        info = await transport.sendMail({
          from: settings.from,
          to: { name: to.name, address: to.email },
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          messageId,
          date: clock.now(),
          priority: doc.severity === 'P0' || doc.severity === 'P1' ? 'high' : 'normal',
          headers: {
            [IDEMPOTENCY_HEADER]: options.idempotencyKey.replace(/[\r\n]+/g, ' '),
            // RFC 3834: tells vacation responders not to answer a page.
            'Auto-Submitted': 'auto-generated',
          },
        });
      } catch (error) {
        throw classifySmtpError(error, secrets);
      }
      if (info.rejected && info.rejected.length > 0) {
        throw new PermanentError(`smtp server rejected recipient of user ${to.userId}`);
      }
      return { externalId: info.messageId ?? messageId };
    },
  };

  return {
    info: () => ({ id: 'email', displayName: 'Email (SMTP)', channels: ['email'] }),
    senders: [sender],
    close: async () => transport.close(),
  };
}
