import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock, PermanentError, RetryableError } from '../../kernel/index.js';
import type { MessageDoc, NotificationProvider, Recipient } from '../api.js';
import { startFakeSmtp, type FakeSmtp } from '../testing/fake-smtp.js';
import { expectNoSecret, runProviderTestKit, type KitFake } from '../testing/provider-test-kit.js';
import { createEmailProvider, messageIdFor, renderEmail } from './index.js';

// Characters that need percent-encoding in a URL, to prove the password survives the round trip.
const PASSWORD = 'p@ss:w0rd/secret%42';
const WRONG_PASSWORD = 'not-the-password-7781';
const FROM = 'Warroom <pager@warroom.example>';
let smtp: FakeSmtp;

beforeAll(async () => {
  smtp = await startFakeSmtp({ user: 'pager', password: PASSWORD });
});
afterAll(async () => {
  await smtp.close();
});

const alice: Recipient = {
  userId: 'u-alice',
  name: 'Alice Example',
  email: 'alice@example.com',
  phone: null,
  webhookUrl: null,
  timezone: 'UTC',
  chatIds: {},
};

const secretsOf = (password: string) => [
  password,
  encodeURIComponent(password),
  Buffer.from(password).toString('base64'),
  Buffer.from(`\u0000pager\u0000${password}`).toString('base64'),
];
const SECRETS = [...secretsOf(PASSWORD), ...secretsOf(WRONG_PASSWORD)];

const kitFake = (): KitFake => ({
  // SMTP has no Retry-After; throttling is 421/451 and must still be retryable.
  retryAfterSupported: false,
  deliveries: () => smtp.messages().map((m) => ({ externalId: m.messageId, idempotencyMarker: m.messageId })),
  throttleNext: () => smtp.failNext(1, { code: 421, message: 'Too many connections, slow down' }),
  serverErrorNext: () => smtp.failNext(1, { code: 451, message: 'Local error in processing' }),
  rejectNext: () => smtp.failNext(1, { code: 550, message: 'Mailbox unavailable' }),
  hangNext: () => smtp.hangNext(1),
  reset: () => smtp.reset(),
});

runProviderTestKit({
  name: 'email',
  channel: 'email',
  makeProvider: ({ credentials }) =>
    createEmailProvider({ smtp_url: smtp.smtpUrl('pager', credentials === 'valid' ? PASSWORD : WRONG_PASSWORD), from: FROM, timeout_ms: 1000 }),
  fake: kitFake,
  recipient: alice,
  secrets: SECRETS,
});

const doc: MessageDoc = {
  kind: 'page',
  title: 'Database primary unreachable — 数据库不可达',
  severity: 'P0',
  incidentRef: 'INC-12',
  incidentUrl: 'https://warroom.example/incidents/12',
  summary: 'Primary failed health checks for 3 minutes.\nReplica lag 45 s.',
  fields: [{ label: 'Service', value: 'orders-db <primary>' }],
  links: [{ label: 'Runbook', url: 'https://runbooks.example/orders-db?step=1&mode=fast' }],
  actions: [
    { id: 'ack', label: 'Acknowledge' },
    { id: 'resolve', label: 'Resolve', url: 'https://warroom.example/incidents/12/resolve' },
  ],
  mentions: [],
  footer: 'You are on call for orders.',
};

describe('email provider', () => {
  let provider: NotificationProvider;
  const send = (to: Recipient = alice, key = 'notify:12:u-alice:email') => provider.senders[0]!.send(to, doc, { idempotencyKey: key });
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e);
  const make = (overrides: { smtp_url?: string; clock?: FakeClock } = {}) =>
    createEmailProvider(
      { smtp_url: overrides.smtp_url ?? smtp.smtpUrl('pager', PASSWORD), from: FROM, timeout_ms: 1000 },
      overrides.clock ? { clock: overrides.clock } : {},
    );

  beforeEach(() => {
    smtp.reset();
    provider = make();
  });
  afterEach(async () => {
    await provider.close?.();
  });

  it('delivers subject, text and HTML exactly as rendered, decoded by a real SMTP server', async () => {
    const { externalId } = await send();
    const [mail] = smtp.messages();
    const rendered = renderEmail(doc);
    expect(mail?.from).toBe('pager@warroom.example');
    expect(mail?.to).toEqual(['alice@example.com']);
    expect(mail?.subject).toBe('[P0] 🚨 INC-12 Database primary unreachable — 数据库不可达');
    expect(mail?.subject).toBe(rendered.subject);
    expect(mail?.text?.trimEnd()).toBe(rendered.text.trimEnd());
    expect(mail?.html?.trimEnd()).toBe(rendered.html.trimEnd());
    expect(mail?.headers.to).toBe('Alice Example <alice@example.com>');
    // The comparison above went through real transfer encodings, not plain 8-bit text.
    expect(mail?.raw).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/im);
    expect(mail?.raw).toMatch(/^Content-Transfer-Encoding: (quoted-printable|base64)/im);
    expect(externalId).toBe(messageIdFor('notify:12:u-alice:email', FROM));
  });

  it('marks the message: Message-ID from the key, the key itself, auto-generated, high priority for P0', async () => {
    const clock = new FakeClock('2026-01-05T09:00:00Z');
    await provider.close?.();
    provider = make({ clock });
    await send(alice, 'notify:12:u-alice:email');
    const headers = smtp.messages()[0]!.headers;
    expect(headers['message-id']).toMatch(/^<warroom\.[0-9a-f]{40}@warroom\.example>$/);
    expect(headers['x-warroom-idempotency-key']).toBe('notify:12:u-alice:email');
    expect(headers['auto-submitted']).toBe('auto-generated');
    expect(headers['x-priority']).toMatch(/^1/);
    expect(new Date(headers.date ?? '').toISOString()).toBe('2026-01-05T09:00:00.000Z');
  });

  it('an unknown mailbox (550) is a PermanentError quoting the server, not the password', async () => {
    smtp.rejectRecipient('alice@example.com', 550);
    const error = await failure(send());
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain('550');
    expect((error as Error).message).toContain('No such user here');
    expectNoSecret(error, SECRETS);
  });

  it('greylisting (451) is a RetryableError', async () => {
    smtp.failNext(1);
    const error = await failure(send());
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as Error).message).toContain('451');
  });

  it('a rejected password (535) is a PermanentError without the password or its base64 forms', async () => {
    await provider.close?.();
    provider = make({ smtp_url: smtp.smtpUrl('pager', WRONG_PASSWORD) });
    const error = await failure(send());
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain('535');
    expectNoSecret(error, SECRETS);
  });

  it('a refused connection is a RetryableError without the URL', async () => {
    await provider.close?.();
    provider = make({ smtp_url: `smtp://pager:${encodeURIComponent(PASSWORD)}@127.0.0.1:9` });
    const error = await failure(send());
    expect(error).toBeInstanceOf(RetryableError);
    expectNoSecret(error, SECRETS);
  });

  it('a recipient without email is a PermanentError', async () => {
    const error = await failure(send({ ...alice, email: null }));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toBe('recipient u-alice has no email address');
  });

  it('refuses a bad smtp_url without echoing it', () => {
    for (const smtpUrl of [`http://pager:${PASSWORD}@mail.example`, `pager:${PASSWORD}`]) {
      const attempt = () => createEmailProvider({ smtp_url: smtpUrl, from: FROM });
      expect(attempt).toThrow(/smtp_url must look like/);
      try {
        attempt();
      } catch (error) {
        expectNoSecret(error, SECRETS);
      }
    }
  });
});
