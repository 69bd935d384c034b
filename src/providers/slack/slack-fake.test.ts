import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MessageDoc, Recipient } from '../api.js';
import { SEED_CREATOR, startFakeSlack, type FakeSlack } from '../testing/fake-slack.js';
import { kitDoc } from '../testing/provider-test-kit.js';
import type { RecordedRequest } from '../testing/recorded-request.js';
import { createSlackProvider, type SlackConfigInput } from './index.js';

// The fake's own contract: what it refuses is what keeps the provider tests honest.
const BOT_TOKEN = 'xoxb-1111-2222-fakeContractToken';
let fake: FakeSlack;
let channelId: string;

beforeAll(async () => {
  fake = await startFakeSlack({ botToken: BOT_TOKEN });
  channelId = fake.seedChannel('incidents');
});
afterAll(async () => {
  await fake.close();
});

const configFor = (overrides: Partial<SlackConfigInput> = {}): SlackConfigInput => ({
  bot_token: BOT_TOKEN,
  signing_secret: fake.signingSecret,
  api_url: fake.apiUrl,
  timeout_ms: 1000,
  ...overrides,
});
const alice = (): Recipient => ({ userId: 'u-alice', name: 'Alice', email: null, phone: null, webhookUrl: null, timezone: 'UTC', chatIds: { slack: 'U0ALICE001' } });

describe('the fake Slack', () => {
  beforeEach(() => fake.reset());
  const call = (method: string, init: RequestInit) => fetch(`${fake.apiUrl}${method}`, { method: 'POST', ...init }).then((r) => r.json() as Promise<Record<string, unknown>>);

  it('accepts JSON bodies as well as forms, and refuses a name Slack would refuse', async () => {
    const headers = { authorization: `Bearer ${BOT_TOKEN}`, 'content-type': 'application/json; charset=utf-8' };
    const posted = await call('chat.postMessage', { headers, body: JSON.stringify({ channel: channelId, text: 'hi', blocks: [{ type: 'divider' }] }) });
    expect(posted).toMatchObject({ ok: true, channel: channelId, ts: expect.stringMatching(/^\d+\.\d{6}$/) });
    expect(await call('conversations.create', { headers, body: JSON.stringify({ name: 'INC 12' }) })).toEqual({ ok: false, error: 'invalid_name_specials' });
    expect(await call('conversations.create', { headers: { ...headers, authorization: 'Bearer xoxb-nope' }, body: '{}' })).toEqual({ ok: false, error: 'invalid_auth' });
    expect(await call('chat.postMessage', { headers: { 'content-type': 'application/json' }, body: '{}' })).toEqual({ ok: false, error: 'not_authed' });
  });

  it('reports each request to onRequest as recorded, with the token redacted', async () => {
    const seen: RecordedRequest[] = [];
    const watched = await startFakeSlack({ botToken: BOT_TOKEN, onRequest: (r) => seen.push(r) });
    try {
      await createSlackProvider(configFor({ api_url: watched.apiUrl })).senders[0]!.send(alice(), kitDoc, { idempotencyKey: 'k' });
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ fake: 'slack', path: '/api/chat.postMessage', status: 200, headers: { authorization: 'Bearer [redacted]' } });
      expect(JSON.stringify(seen)).not.toContain(BOT_TOKEN);
      expect(watched.requests).toEqual(seen);
    } finally {
      await watched.close();
    }
  });

  it('pins.add needs a channel and a message in it, and answers already_pinned on a repeat', async () => {
    const headers = { authorization: `Bearer ${BOT_TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' };
    const form = (params: Record<string, string>) => ({ headers, body: new URLSearchParams(params).toString() });
    const posted = await call('chat.postMessage', form({ channel: channelId, text: 'card' }));
    const ts = String(posted.ts);
    expect(await call('pins.add', form({ channel: channelId, timestamp: ts }))).toEqual({ ok: true });
    expect(await call('pins.add', form({ channel: channelId, timestamp: ts }))).toEqual({ ok: false, error: 'already_pinned' });
    expect(await call('pins.add', form({ channel: channelId, timestamp: '1.000001' }))).toEqual({ ok: false, error: 'message_not_found' });
    expect(await call('pins.add', form({ channel: 'C999999999', timestamp: ts }))).toEqual({ ok: false, error: 'channel_not_found' });
    expect(await call('pins.add', form({ channel: channelId }))).toEqual({ ok: false, error: 'no_item_specified' });
    expect(await call('pins.add', { headers: { ...headers, authorization: 'Bearer xoxb-nope' }, body: '' })).toEqual({ ok: false, error: 'invalid_auth' });
    expect(fake.pins()).toEqual([{ channel: channelId, ts }]);
    fake.reset();
    expect(fake.pins()).toEqual([]);
  });

  it('conversations.list pages public channels with an opaque cursor, hides archived ones on request, and refuses bad arguments', async () => {
    const headers = { authorization: `Bearer ${BOT_TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' };
    const list = (params: Record<string, string>) => call('conversations.list', { headers, body: new URLSearchParams(params).toString() });
    const form = (params: Record<string, string>) => ({ headers, body: new URLSearchParams(params).toString() });
    const made = await call('conversations.create', form({ name: 'fake-list-a' }));
    const archived = await call('conversations.create', form({ name: 'fake-list-b' }));
    await call('conversations.create', form({ name: 'fake-list-secret', is_private: 'true' }));
    await call('conversations.archive', form({ channel: String((archived.channel as { id: string }).id) }));
    await call('conversations.setPurpose', form({ channel: String((made.channel as { id: string }).id), purpose: 'p' }));

    const first = await list({ limit: '2' });
    expect((first.channels as { name: string }[]).map((c) => c.name)).toEqual(['incidents', 'fake-list-a']);
    const cursor = (first.response_metadata as { next_cursor: string }).next_cursor;
    expect(cursor).not.toBe('');
    const second = await list({ limit: '2', cursor });
    expect((second.channels as { name: string }[]).map((c) => c.name)).toEqual(['fake-list-b']);
    expect(second.response_metadata).toEqual({ next_cursor: '' });
    const live = await list({ exclude_archived: 'true', types: 'public_channel,private_channel' });
    expect((live.channels as { name: string }[]).map((c) => c.name)).toEqual(['incidents', 'fake-list-a', 'fake-list-secret']);
    expect((live.channels as Record<string, unknown>[])[0]).toMatchObject({ creator: SEED_CREATOR, purpose: { value: '', last_set: 0 }, is_member: true });
    expect((live.channels as Record<string, unknown>[])[1]).toMatchObject({ creator: fake.botUserId, purpose: { value: 'p', creator: fake.botUserId, last_set: expect.any(Number) } });
    expect(((live.channels as { purpose: { last_set: number } }[])[1]!.purpose.last_set)).toBeGreaterThan(0);

    expect(await list({ cursor: 'bm9wZQ==' })).toEqual({ ok: false, error: 'invalid_cursor' });
    expect(await list({ limit: '1001' })).toEqual({ ok: false, error: 'invalid_limit' });
    expect(await list({ types: 'public_channel,nope' })).toEqual({ ok: false, error: 'invalid_types' });
  });

  it('auth.test names the bot user', async () => {
    const headers = { authorization: `Bearer ${BOT_TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' };
    expect(await call('auth.test', { headers, body: '' })).toMatchObject({ ok: true, user_id: fake.botUserId, bot_id: expect.stringMatching(/^B/) });
  });

  it('a lost answer is spent on the next successful call of its method only; a fault aimed at a method waits for it', async () => {
    const headers = { authorization: `Bearer ${BOT_TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' };
    const create = (name: string) => fetch(`${fake.apiUrl}conversations.create`, { method: 'POST', headers, body: new URLSearchParams({ name }).toString() });
    fake.loseAnswerNext('conversations.create', 502);
    fake.rejectNext('missing_scope', 'conversations.list');
    // A refused create (name_taken) is answered as usual and leaves the lost answer pending.
    expect(await (await create('incidents')).json()).toEqual({ ok: false, error: 'name_taken' });
    const lost = await create('fake-lost');
    expect(lost.status).toBe(502);
    expect(fake.channels().map((c) => c.name)).toContain('fake-lost');
    expect(fake.requests.at(-1)).toMatchObject({ path: '/api/conversations.create', status: 502, refusal: 'answer lost' });
    expect(await (await create('fake-after')).json()).toMatchObject({ ok: true, channel: { name: 'fake-after' } });
    expect(await call('conversations.list', { headers, body: '' })).toEqual({ ok: false, error: 'missing_scope' });
    expect(await call('conversations.list', { headers, body: '' })).toMatchObject({ ok: true });
  });

  it('refuses a message that breaks Block Kit limits with invalid_blocks', async () => {
    const headers = { authorization: `Bearer ${BOT_TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' };
    const header = JSON.stringify([{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }]);
    expect(await call('chat.postMessage', { headers, body: new URLSearchParams({ channel: channelId, blocks: header }).toString() })).toEqual({ ok: false, error: 'invalid_blocks' });
    const twice = JSON.stringify([{ type: 'actions', elements: [1, 2].map(() => ({ type: 'button', action_id: 'same', text: { type: 'plain_text', text: 'b' } })) }]);
    expect(await call('chat.postMessage', { headers, body: new URLSearchParams({ channel: channelId, blocks: twice }).toString() })).toEqual({ ok: false, error: 'invalid_blocks' });
  });

  it('accepts a large rendered doc (many fields, long texts, every action)', async () => {
    const big: MessageDoc = {
      ...kitDoc,
      title: `🔥 ${'very long title '.repeat(20)}`,
      summary: '<b>&'.repeat(1200),
      fields: Array.from({ length: 23 }, (_, i) => ({ label: `Field ${i}`, value: 'x&'.repeat(1500) })),
      links: [{ label: 'Runbook | ops', url: 'https://runbooks.example/a?b=1&c=2' }],
      actions: [
        { id: 'ack', label: 'Acknowledge' },
        { id: 'resolve', label: 'Resolve' },
        { id: 'escalate', label: 'Escalate' },
        { id: 'view', label: 'Open' },
      ],
      footer: 'warroom',
    };
    await createSlackProvider(configFor()).chat!.messenger!.post({ kind: 'chat', id: channelId }, big, { idempotencyKey: 'big' });
    expect(fake.messages()).toHaveLength(1);
  });
});
