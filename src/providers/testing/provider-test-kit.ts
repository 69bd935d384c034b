import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../kernel/index.js';
import type { ChannelKind, ChannelSender, MessageDoc, NotificationProvider, Recipient } from '../api.js';

/** What the fake saw of one accepted delivery, in the kit's terms. */
export interface KitDelivery {
  /** The id the provider should have returned as externalId (Twilio sid, Message-ID, delivery id). */
  externalId: string | undefined;
  /** Where the idempotency key shows on the wire (a header, the Message-ID…). */
  idempotencyMarker: string | undefined;
}

/** A fake server seen through the kit: each fake's test adapts its own API to this. */
export interface KitFake {
  deliveries(): KitDelivery[];
  /** The next request is throttled: HTTP 429 (with Retry-After when given), SMTP 421/451. */
  throttleNext(retryAfterSec?: number): void;
  /** The next request fails on the server's side: HTTP 5xx. */
  serverErrorNext(): void;
  /** The next request is refused for good: HTTP 4xx, SMTP 5xx. */
  rejectNext(): void;
  /** The next request gets no answer. */
  hangNext(): void;
  reset(): void;
  /** False where the protocol cannot say when to retry (SMTP). */
  readonly retryAfterSupported: boolean;
}

export interface ProviderTestKitOptions {
  name: string;
  channel: ChannelKind;
  /** Build a provider pointed at the fake, with a timeout of a few hundred ms. */
  makeProvider(options: { credentials: 'valid' | 'invalid' }): NotificationProvider;
  /** Called inside tests, so the fake may be started in the caller's beforeAll. */
  fake(): KitFake;
  /** A function when the address is only known once the fake is up (a webhook URL). */
  recipient: Recipient | (() => Recipient);
  /** Secrets in any form (valid and invalid ones) that must never show in an error. */
  secrets: string[];
  doc?: MessageDoc;
}

export const kitDoc: MessageDoc = {
  kind: 'page',
  title: 'Checkout API error rate above 5%',
  severity: 'P1',
  incidentRef: 'INC-7',
  incidentUrl: 'https://warroom.example/incidents/7',
  summary: 'Error rate 7.2% over 5 minutes.',
  fields: [{ label: 'Service', value: 'checkout' }],
  links: [{ label: 'Dashboard', url: 'https://grafana.example/d/checkout' }],
  actions: [{ id: 'ack', label: 'Acknowledge' }],
  mentions: [],
  replyHint: 'Reply 7a to ack, 7r to resolve',
};

/**
 * The contract every provider passes (ARCHITECTURE rule 5): success yields an externalId the
 * fake saw; 429, 5xx and timeouts are RetryableError (with retryAfterMs when the remote said);
 * refusals and bad credentials are PermanentError; no secret reaches an error; and a repeated
 * idempotency key yields two deliveries carrying the same marker. Providers do not dedup
 * themselves (the notify pipeline does, before sending); the marker lets the far side or a
 * person recognise the resend.
 */
export function runProviderTestKit(options: ProviderTestKitOptions): void {
  const doc = options.doc ?? kitDoc;
  const opened: NotificationProvider[] = [];

  const senderOf = (credentials: 'valid' | 'invalid' = 'valid'): ChannelSender => {
    const provider = options.makeProvider({ credentials });
    opened.push(provider);
    const sender = provider.senders.find((s) => s.channel === options.channel);
    if (!sender) throw new Error(`${options.name} has no ${options.channel} sender`);
    return sender;
  };
  const recipient = (): Recipient => (typeof options.recipient === 'function' ? options.recipient() : options.recipient);
  const key = () => `kit-${options.channel}-${randomUUID()}`;
  const sendFailing = async (sender: ChannelSender, to: Recipient = recipient()): Promise<unknown> => {
    const error = await sender.send(to, doc, { idempotencyKey: key() }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, 'send should have failed').toBeDefined();
    expectNoSecret(error, options.secrets);
    return error;
  };

  describe(`provider test kit: ${options.name} (${options.channel})`, () => {
    beforeEach(() => options.fake().reset());
    afterEach(async () => {
      options.fake().reset();
      await Promise.all(opened.splice(0).map((p) => p.close?.()));
    });

    it('declares the channel it sends on', () => {
      const provider = options.makeProvider({ credentials: 'valid' });
      opened.push(provider);
      expect(provider.info().channels).toContain(options.channel);
    });

    it('returns a non-empty externalId that the fake recorded', async () => {
      const result = await senderOf().send(recipient(), doc, { idempotencyKey: key() });
      expect(result.externalId).toMatch(/\S/);
      expect(options.fake().deliveries().map((d) => d.externalId)).toContain(result.externalId);
    });

    it('429 / throttling is a RetryableError carrying the remote retry hint', async () => {
      options.fake().throttleNext(7);
      const error = await sendFailing(senderOf());
      expect(error).toBeInstanceOf(RetryableError);
      if (options.fake().retryAfterSupported) expect((error as RetryableError).retryAfterMs).toBe(7000);
    });

    it('a server error is a RetryableError', async () => {
      options.fake().serverErrorNext();
      expect(await sendFailing(senderOf())).toBeInstanceOf(RetryableError);
    });

    it('a server that never answers is a RetryableError after the configured timeout', async () => {
      options.fake().hangNext();
      expect(await sendFailing(senderOf())).toBeInstanceOf(RetryableError);
    }, 10_000);

    it('a refusal is a PermanentError', async () => {
      options.fake().rejectNext();
      expect(await sendFailing(senderOf())).toBeInstanceOf(PermanentError);
    });

    it('bad credentials are a PermanentError that does not quote them', async () => {
      expect(await sendFailing(senderOf('invalid'))).toBeInstanceOf(PermanentError);
      expect(options.fake().deliveries()).toHaveLength(0);
    });

    it(`a recipient with no address for ${options.channel} is a PermanentError`, async () => {
      const nowhere: Recipient = { ...recipient(), email: null, phone: null, webhookUrl: null, chatIds: {} };
      expect(await sendFailing(senderOf(), nowhere)).toBeInstanceOf(PermanentError);
    });

    it('the same idempotency key twice gives two deliveries with the same marker', async () => {
      const sender = senderOf();
      const repeated = key();
      await sender.send(recipient(), doc, { idempotencyKey: repeated });
      await sender.send(recipient(), doc, { idempotencyKey: repeated });
      await sender.send(recipient(), doc, { idempotencyKey: key() });
      const markers = options.fake().deliveries().map((d) => d.idempotencyMarker);
      expect(markers).toHaveLength(3);
      expect(markers[0]).toMatch(/\S/);
      expect(markers[1]).toBe(markers[0]);
      expect(markers[2]).not.toBe(markers[0]);
    });
  });
}

/** No secret in the message, the stack, the JSON form or anything util.inspect can reach (causes too). */
export function expectNoSecret(error: unknown, secrets: string[]): void {
  const e = error as Error;
  const views = [String(e?.message), String(e?.stack), JSON.stringify(error) ?? '', inspect(error, { depth: 8, showHidden: true })];
  for (const secret of secrets.filter(Boolean)) {
    for (const view of views) expect(view.includes(secret), `secret leaked into: ${view.slice(0, 200)}`).toBe(false);
  }
}
