import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError, SEVERITIES } from '../../kernel/index.js';
import type { ChatCapabilities, ChatPlatform, ChatTarget, MessageDoc, NotificationProvider } from '../api.js';
import { expectNoSecret, kitDoc } from './provider-test-kit.js';

/** A chat fake seen through the kit: each fake's test adapts its own records to this. */
export interface ChatKitFake {
  /** Messages the fake accepted, in order, with the id it handed out. */
  posts(): { messageId: string; chatId: string }[];
  /** Edits the fake accepted: which message, and the body exactly as received (parsed JSON). */
  updates(): { messageId: string; body: unknown }[];
  throttleNext(retryAfterSec: number): void;
  serverErrorNext(): void;
  rejectNext(): void;
  hangNext(): void;
  reset(): void;
  /** False where the platform gives no retry hint with its throttle answer. */
  readonly retryAfterSupported: boolean;
}

export interface ChatProviderTestKitOptions {
  name: string;
  platform: ChatPlatform;
  /** Build a provider pointed at the fake, with a timeout of a few hundred ms and no SDK retries. */
  makeProvider(options: { credentials: 'valid' | 'invalid' }): NotificationProvider;
  fake(): ChatKitFake;
  /** Where the kit posts (a chat id, or a robot the provider was configured with). */
  target: ChatTarget | (() => ChatTarget);
  secrets: string[];
  /** The provider's pure renderer, snapshotted for every severity. */
  render(doc: MessageDoc): unknown;
  /** Whether the platform can edit a sent message (webhook robots cannot). */
  canUpdate: boolean;
}

/**
 * The contract every chat provider passes, on top of the sender kit: posts come back as a
 * MessageRef the fake recorded; throttling, 5xx and timeouts are retryable (with the remote's
 * hint); refusals and bad credentials are permanent and quote no secret; updating a card twice
 * with the same doc edits the same message twice and posts nothing new; rendering is stable.
 */
export function runChatProviderTestKit(options: ChatProviderTestKitOptions): void {
  const opened: NotificationProvider[] = [];
  const chatOf = (credentials: 'valid' | 'invalid' = 'valid'): ChatCapabilities => {
    const provider = options.makeProvider({ credentials });
    opened.push(provider);
    if (!provider.chat) throw new Error(`${options.name} declares no chat capabilities`);
    return provider.chat;
  };
  const target = (): ChatTarget => (typeof options.target === 'function' ? options.target() : options.target);
  const key = () => `kit-${options.platform}-${randomUUID()}`.slice(0, 50);
  const failing = async (chat: ChatCapabilities): Promise<unknown> => {
    const error = await chat.messenger!.post(target(), kitDoc, { idempotencyKey: key() }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, 'post should have failed').toBeDefined();
    expectNoSecret(error, options.secrets);
    return error;
  };

  describe(`chat provider test kit: ${options.name}`, () => {
    beforeEach(() => options.fake().reset());
    afterEach(async () => {
      options.fake().reset();
      await Promise.all(opened.splice(0).map((p) => p.close?.()));
    });

    it('declares its platform and a messenger', () => {
      const chat = chatOf();
      expect(chat.platform).toBe(options.platform);
      expect(chat.messenger).toBeDefined();
      expect(chat.rateRule(target()).intervalMs).toBeGreaterThan(0);
    });

    it('a post returns a MessageRef the fake recorded', async () => {
      const ref = await chatOf().messenger!.post(target(), kitDoc, { idempotencyKey: key() });
      expect(ref.platform).toBe(options.platform);
      expect(options.fake().posts().map((p) => p.messageId)).toContain(ref.messageId);
    });

    it('throttling is a RetryableError carrying the remote hint', async () => {
      options.fake().throttleNext(7);
      const error = await failing(chatOf());
      expect(error).toBeInstanceOf(RetryableError);
      if (options.fake().retryAfterSupported) expect((error as RetryableError).retryAfterMs).toBe(7000);
    });

    it('a server error is a RetryableError', async () => {
      options.fake().serverErrorNext();
      expect(await failing(chatOf())).toBeInstanceOf(RetryableError);
    });

    it('a server that never answers is a RetryableError after the timeout', async () => {
      options.fake().hangNext();
      expect(await failing(chatOf())).toBeInstanceOf(RetryableError);
    }, 10_000);

    it('a refusal is a PermanentError', async () => {
      options.fake().rejectNext();
      expect(await failing(chatOf())).toBeInstanceOf(PermanentError);
    });

    it('bad credentials are a PermanentError that does not quote them', async () => {
      expect(await failing(chatOf('invalid'))).toBeInstanceOf(PermanentError);
      expect(options.fake().posts()).toHaveLength(0);
    });

    it('declares an updater exactly when it says it can edit', () => {
      expect(Boolean(chatOf().updater)).toBe(options.canUpdate);
    });

    if (options.canUpdate) it('updating with the same doc twice edits the same message and posts nothing new', async () => {
      const chat = chatOf();
      const ref = await chat.messenger!.post(target(), kitDoc, { idempotencyKey: key() });
      const acked: MessageDoc = { ...kitDoc, kind: 'update', status: 'acknowledged', actions: kitDoc.actions.filter((a) => a.id !== 'ack') };
      await chat.updater!.update(ref, acked);
      await chat.updater!.update(ref, acked);
      const updates = options.fake().updates();
      expect(updates).toHaveLength(2);
      expect(updates.every((u) => u.messageId === ref.messageId)).toBe(true);
      expect(updates[1]!.body).toEqual(updates[0]!.body);
      expect(options.fake().posts()).toHaveLength(1);
    });

    it('renders every severity the same way each time', () => {
      for (const severity of SEVERITIES) {
        const doc: MessageDoc = {
          ...kitDoc,
          severity,
          mentions: [{ kind: 'user', userId: 'alice', name: 'Alice', chatIds: { [options.platform]: `id-alice` }, phone: '+8613800000001' }, { kind: 'all' }],
        };
        expect(options.render(doc)).toMatchSnapshot(`${options.platform} ${severity}`);
      }
    });
  });
}
