import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock, PermanentError, RetryableError } from '../../kernel/index.js';
import type { MessageDoc, Recipient } from '../api.js';
import { startFakeWebhookReceiver, type FakeWebhookReceiver } from '../testing/fake-webhook-receiver.js';
import { expectNoSecret, runProviderTestKit, type KitFake } from '../testing/provider-test-kit.js';
import { createWebhookProvider, verifyWarroomSignature, type WebhookPayload } from './index.js';

const SECRET = 'whsec-test-0123456789abcdef';
const WRONG_SECRET = 'whsec-wrong-fedcba9876543210';
let receiver: FakeWebhookReceiver;

beforeAll(async () => {
  receiver = await startFakeWebhookReceiver({ secret: SECRET });
});
afterAll(async () => {
  await receiver.close();
});

const recipient = (): Recipient => ({
  userId: 'u-alice',
  name: 'Alice',
  email: null,
  phone: null,
  webhookUrl: `${receiver.url}/hooks/alice-token-in-path`,
  timezone: 'UTC',
  chatIds: {},
});

const doc: MessageDoc = {
  kind: 'page',
  title: 'Database primary unreachable',
  severity: 'P0',
  incidentRef: 'INC-12',
  incidentUrl: 'https://warroom.example/incidents/12',
  fields: [{ label: 'Service', value: 'orders-db' }],
  links: [],
  actions: [{ id: 'ack', label: 'Acknowledge' }],
  mentions: [{ kind: 'user', userId: 'u-alice', name: 'Alice', chatIds: {}, phone: null }],
};

const kitFake = (): KitFake => ({
  retryAfterSupported: true,
  deliveries: () =>
    receiver.deliveries().map((d) => ({
      externalId: header(d.headers['x-warroom-delivery']),
      idempotencyMarker: header(d.headers['x-warroom-idempotency-key']),
    })),
  throttleNext: (sec) => receiver.failNext(1, sec === undefined ? { status: 429 } : { status: 429, retryAfter: sec }),
  serverErrorNext: () => receiver.failNext(1, { status: 503 }),
  rejectNext: () => receiver.failNext(1, { status: 422 }),
  hangNext: () => receiver.hangNext(1),
  reset: () => receiver.reset(),
});

runProviderTestKit({
  name: 'webhook',
  channel: 'webhook',
  makeProvider: ({ credentials }) =>
    createWebhookProvider({ secret: credentials === 'valid' ? SECRET : WRONG_SECRET, timeout_ms: 1000 }),
  fake: kitFake,
  recipient,
  secrets: [SECRET, WRONG_SECRET],
});

describe('webhook provider', () => {
  const send = (to: Recipient, options: { secret?: string; clock?: FakeClock } = {}) =>
    createWebhookProvider({ secret: options.secret ?? SECRET, timeout_ms: 1000 }, options.clock ? { clock: options.clock } : {})
      .senders[0]!.send(to, doc, { idempotencyKey: 'notify:12:u-alice:webhook' });
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e);

  beforeEach(() => receiver.reset());

  it('posts the documented JSON, signed so verifyWarroomSignature accepts it', async () => {
    await send(recipient());
    const [delivery] = receiver.deliveries();
    expect(delivery?.path).toBe('/hooks/alice-token-in-path');
    expect(delivery?.headers['content-type']).toBe('application/json');
    const body = delivery?.body as WebhookPayload;
    expect(body).toMatchObject({
      event: 'incident.page',
      incident_ref: 'INC-12',
      title: 'Database primary unreachable',
      severity: 'P0',
      recipient: { user_id: 'u-alice' },
      idempotency_key: 'notify:12:u-alice:webhook',
    });
    expect(verifyWarroomSignature(delivery!.rawBody, delivery!.headers, SECRET, new Date())).toBe(true);
    expect(verifyWarroomSignature(delivery!.rawBody, delivery!.headers, WRONG_SECRET, new Date())).toBe(false);
  });

  it('stamps sent_at and the signature timestamp from the injected clock', async () => {
    const clock = new FakeClock(new Date());
    await send(recipient(), { clock });
    const [delivery] = receiver.deliveries();
    expect((delivery?.body as WebhookPayload).sent_at).toBe(clock.now().toISOString());
    expect(delivery?.headers['x-warroom-timestamp']).toBe(String(Math.floor(clock.now().getTime() / 1000)));
  });

  it('a signature from a clock far off the receiver is refused as a replay (401 → PermanentError)', async () => {
    const error = await failure(send(recipient(), { clock: new FakeClock(new Date(Date.UTC(2020, 0, 1))) }));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain('401');
  });

  it('honours Retry-After given as an HTTP-date', async () => {
    const clock = new FakeClock(new Date());
    receiver.failNext(1, { status: 429, retryAfter: new Date(clock.now().getTime() + 90_000).toUTCString() });
    const error = await failure(send(recipient(), { clock }));
    expect(error).toBeInstanceOf(RetryableError);
    // HTTP-dates have whole seconds, so up to a second is lost.
    expect((error as RetryableError).retryAfterMs).toBeGreaterThan(88_000);
    expect((error as RetryableError).retryAfterMs).toBeLessThanOrEqual(90_000);
  });

  it('a 500 without Retry-After is retryable with no hint', async () => {
    receiver.failNext(1, { status: 500 });
    const error = await failure(send(recipient()));
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBeUndefined();
  });

  it('an unreachable receiver is retryable and the error names only the origin, not the path token', async () => {
    const error = await failure(send({ ...recipient(), webhookUrl: 'http://127.0.0.1:9/hooks/secret-path-token' }));
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as Error).message).toContain('http://127.0.0.1:9');
    expectNoSecret(error, ['secret-path-token']);
  });

  it.each([
    ['not-a-url', 'invalid webhook URL'],
    ['ftp://files.example/hook', 'non-HTTP webhook URL'],
    ['https://user:hunter2@hooks.example/x', 'embedded credentials'],
  ])('refuses webhookUrl %s as a PermanentError', async (url, message) => {
    const error = await failure(send({ ...recipient(), webhookUrl: url }));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain(message);
    expectNoSecret(error, ['hunter2']);
  });

  it('a redirect is a PermanentError instead of a silently re-sent GET', async () => {
    receiver.failNext(1, { status: 301 });
    const error = await failure(send(recipient()));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain('redirect 301');
  });

  it('refuses a short secret at construction without echoing it', () => {
    expect(() => createWebhookProvider({ secret: 'short-sekret' })).toThrow(/at least 16/);
    try {
      createWebhookProvider({ secret: 'short-sekret' });
    } catch (error) {
      expectNoSecret(error, ['short-sekret']);
    }
  });
});

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
