import { newId, PermanentError, systemClock, type Clock } from '../../kernel/index.js';
import type { ChannelSender, MessageDoc, NotificationProvider, Recipient, SendOptions, SendResult } from '../api.js';
import { webhookConfigSchema, type WebhookConfig, type WebhookConfigInput } from './config.js';
import { errorForFetchFailure, errorForStatus } from './http-outcome.js';
import { renderWebhookPayload } from './render.js';
import { DELIVERY_HEADER, IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signWarroomBody, TIMESTAMP_HEADER } from './signature.js';

export { webhookConfigSchema, type WebhookConfig, type WebhookConfigInput } from './config.js';
export { renderWebhookPayload, type WebhookPayload } from './render.js';
export {
  DELIVERY_HEADER,
  IDEMPOTENCY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  signWarroomBody,
  verifyWarroomSignature,
} from './signature.js';

export interface WebhookProviderDeps {
  clock?: Clock;
}

/**
 * Outgoing webhooks: POSTs a signed JSON document to each recipient's own webhookUrl.
 * externalId is a fresh delivery id (X-Warroom-Delivery), unique per attempt; the idempotency
 * key travels unchanged in X-Warroom-Idempotency-Key and in the body, so receivers dedup on it.
 */
export function createWebhookProvider(config: WebhookConfigInput, deps: WebhookProviderDeps = {}): NotificationProvider {
  const settings = webhookConfigSchema.parse(config);
  const clock = deps.clock ?? systemClock;
  const sender: ChannelSender = {
    channel: 'webhook',
    send: (to, doc, options) => postWebhook(settings, clock, to, doc, options),
  };
  return {
    info: () => ({ id: 'webhook', displayName: 'Outgoing webhook', channels: ['webhook'] }),
    senders: [sender],
  };
}

async function postWebhook(
  settings: WebhookConfig,
  clock: Clock,
  to: Recipient,
  doc: MessageDoc,
  options: SendOptions,
): Promise<SendResult> {
  const target = targetUrl(to);
  const now = clock.now();
  const rawBody = JSON.stringify(
    renderWebhookPayload(doc, { recipientUserId: to.userId, idempotencyKey: options.idempotencyKey, sentAt: now }),
  );
  const timestamp = Math.floor(now.getTime() / 1000);
  const deliveryId = newId();
  let response: Response;
  try {
    response = await fetch(target, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'warroom-webhook/1',
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signWarroomBody(rawBody, settings.secret, timestamp),
        [IDEMPOTENCY_HEADER]: options.idempotencyKey,
        [DELIVERY_HEADER]: deliveryId,
      },
      body: rawBody,
      // A redirected POST turns into a GET and loses the body; treat it as a configuration error instead.
      redirect: 'manual',
      signal: AbortSignal.timeout(settings.timeout_ms),
    });
  } catch (error) {
    throw errorForFetchFailure(error, target.origin, settings.timeout_ms);
  }
  // Free the connection; nothing in the answer matters beyond its status.
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return { externalId: deliveryId };
  throw errorForStatus(response.status, response.headers.get('retry-after'), clock.now(), target.origin);
}

function targetUrl(to: Recipient): URL {
  if (!to.webhookUrl) throw new PermanentError(`recipient ${to.userId} has no webhook URL`);
  let url: URL;
  try {
    url = new URL(to.webhookUrl);
  } catch {
    throw new PermanentError(`recipient ${to.userId} has an invalid webhook URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new PermanentError(`recipient ${to.userId} has a non-HTTP webhook URL`);
  }
  // fetch refuses user:pass@ URLs; the signature is the authentication anyway.
  if (url.username || url.password) throw new PermanentError(`recipient ${to.userId} has a webhook URL with embedded credentials`);
  return url;
}
