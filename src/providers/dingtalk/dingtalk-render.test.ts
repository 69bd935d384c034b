import { describe, expect, it } from 'vitest';
import type { MessageDoc } from '../api.js';
import {
  atOf,
  DINGTALK_BODY_LIMIT_BYTES,
  dingtalkMobile,
  idempotencyMarker,
  renderDingtalkMessage,
  renderDingtalkText,
  withIdempotencyMarker,
  type DingtalkRobotBody,
} from './render.js';

const page: MessageDoc = {
  kind: 'page',
  title: 'Database primary unreachable',
  severity: 'P0',
  incidentRef: 'INC-12',
  incidentUrl: 'https://warroom.example/incidents/12',
  status: 'triggered',
  summary: 'Primary failed health checks for 3 minutes.',
  fields: [
    { label: 'Service', value: 'orders-db' },
    { label: 'Region', value: 'eu-west-1' },
  ],
  links: [{ label: 'Runbook', url: 'https://runbooks.example/orders-db' }],
  actions: [
    { id: 'ack', label: 'Acknowledge', url: 'https://warroom.example/incidents/12/ack' },
    { id: 'resolve', label: 'Resolve', url: 'https://warroom.example/incidents/12/resolve' },
    { id: 'escalate', label: 'Escalate', url: 'https://warroom.example/incidents/12/escalate' },
    { id: 'view', label: 'Open', url: 'https://warroom.example/incidents/12' },
  ],
  mentions: [],
  footer: 'warroom',
};

const alice = { kind: 'user' as const, userId: 'u-alice', name: 'Alice', chatIds: { dingtalk: 'ding-alice' }, phone: '+8613800000001' };
const bob = { kind: 'user' as const, userId: 'u-bob', name: 'Bob', chatIds: {}, phone: '+86 139-0000-0002' };

const textOf = (body: DingtalkRobotBody): string =>
  body.msgtype === 'text' ? body.text.content : body.msgtype === 'markdown' ? body.markdown.text : body.actionCard.text;
const buttonTitles = (body: DingtalkRobotBody) => (body.msgtype === 'actionCard' ? body.actionCard.btns.map((b) => b.title) : []);

describe('renderDingtalkMessage', () => {
  it('renders a page without mentions as an actionCard with URL buttons', () => {
    expect(renderDingtalkMessage(page)).toMatchInlineSnapshot(`
      {
        "actionCard": {
          "btnOrientation": "0",
          "btns": [
            {
              "actionURL": "https://warroom.example/incidents/12/ack",
              "title": "Acknowledge",
            },
            {
              "actionURL": "https://warroom.example/incidents/12/resolve",
              "title": "Resolve",
            },
            {
              "actionURL": "https://warroom.example/incidents/12/escalate",
              "title": "Escalate",
            },
            {
              "actionURL": "https://warroom.example/incidents/12",
              "title": "Open",
            },
          ],
          "text": "### <font color="#D83931">🚨 [P0]</font> INC-12 Database primary unreachable

      Primary failed health checks for 3 minutes.

      - **Service**: orders-db
      - **Region**: eu-west-1

      **Status**: triggered

      [Open INC-12](https://warroom.example/incidents/12) · [Runbook](https://runbooks.example/orders-db)

      <font color="#8C8C8C">warroom</font>",
          "title": "🚨 [P0] INC-12 Database primary unreachable",
        },
        "msgtype": "actionCard",
      }
    `);
  });

  it('switches to markdown with at ids and @ tokens in the text when the doc mentions people', () => {
    const body = renderDingtalkMessage({ ...page, mentions: [alice, bob] });
    expect(body.msgtype).toBe('markdown');
    if (body.msgtype !== 'markdown') return;
    expect(body.at).toEqual({ atUserIds: ['ding-alice'], atMobiles: ['13900000002'], isAtAll: false });
    expect(body.markdown.text).toContain('@ding-alice @13900000002');
    // The buttons are gone, so the actions become links.
    expect(body.markdown.text).toContain('[Acknowledge](https://warroom.example/incidents/12/ack) · [Resolve]');
    expect(body.markdown.title).toBe('🚨 [P0] INC-12 Database primary unreachable');
  });

  it('merges explicit at ids (the person paged) with doc mentions, without duplicates', () => {
    const body = renderDingtalkMessage({ ...page, mentions: [alice] }, { atUserIds: ['ding-alice', 'ding-carol'], atMobiles: ['13700000003'] });
    expect(body.msgtype === 'markdown' && body.at).toEqual({ atUserIds: ['ding-alice', 'ding-carol'], atMobiles: ['13700000003'], isAtAll: false });
    expect(textOf(body)).toContain('@ding-alice @ding-carol @13700000003');
  });

  it('@all sets isAtAll and uses markdown', () => {
    const body = renderDingtalkMessage({ ...page, mentions: [{ kind: 'all' }] });
    expect(body.msgtype).toBe('markdown');
    expect(body.msgtype === 'markdown' && body.at.isAtAll).toBe(true);
  });

  it.each([
    ['P0', '#D83931', '🚨'],
    ['P1', '#F77234', '⚠️'],
    ['P2', '#F5C400', '⚡'],
    ['P3', '#3370FF', 'ℹ️'],
  ] as const)('colours %s with %s', (severity, hex, emoji) => {
    const text = textOf(renderDingtalkMessage({ ...page, severity }));
    expect(text.startsWith(`### <font color="${hex}">${emoji} [${severity}]</font> INC-12`)).toBe(true);
  });

  it.each([
    ['triggered', ['Acknowledge', 'Resolve', 'Escalate', 'Open']],
    ['acknowledged', ['Resolve', 'Escalate', 'Open']],
    ['monitoring', ['Resolve', 'Escalate', 'Open']],
    ['resolved', ['Open']],
    ['closed', ['Open']],
  ])('at status %s keeps buttons %j', (status, titles) => {
    expect(buttonTitles(renderDingtalkMessage({ ...page, status }))).toEqual(titles);
  });

  it('drops action buttons on a resolved doc even without a status', () => {
    const { status: _status, ...withoutStatus } = page;
    expect(buttonTitles(renderDingtalkMessage({ ...withoutStatus, kind: 'resolved' }))).toEqual(['Open']);
  });

  it('drops actions without a web URL, and falls back to markdown when no button is left', () => {
    const doc: MessageDoc = { ...page, actions: [{ id: 'ack', label: 'Acknowledge' }, { id: 'view', label: 'Open', url: 'javascript:alert(1)' }] };
    const body = renderDingtalkMessage(doc);
    expect(body.msgtype).toBe('markdown');
    expect(textOf(body)).not.toContain('javascript:');
    expect(textOf(body)).not.toContain('Acknowledge');
    expect(body.msgtype === 'markdown' && body.at).toEqual({ atUserIds: [], atMobiles: [], isAtAll: false });
  });

  it('lays four or more buttons out vertically and fewer side by side', () => {
    const two = renderDingtalkMessage({ ...page, status: 'resolved', actions: [...page.actions, { id: 'view', label: 'Timeline', url: 'https://warroom.example/t' }] });
    expect(two.msgtype === 'actionCard' && two.actionCard.btnOrientation).toBe('1');
    const four = renderDingtalkMessage(page);
    expect(four.msgtype === 'actionCard' && four.actionCard.btnOrientation).toBe('0');
  });

  it('inserts the security keyword once when the text lacks it, and not when it has it', () => {
    const added = textOf(renderDingtalkMessage(page, { keyword: '告警' }));
    expect(added.endsWith('\n\n告警')).toBe(true);
    const present = textOf(renderDingtalkMessage({ ...page, footer: 'warroom 告警' }, { keyword: '告警' }));
    expect(present.split('告警')).toHaveLength(2);
  });

  it('keeps bodies within 20 KB, cutting the summary with a note but keeping footer and keyword', () => {
    const huge: MessageDoc = { ...page, summary: '数据库'.repeat(10_000), footer: 'warroom · ref 0a1b2c3d' };
    for (const body of [renderDingtalkMessage(huge, { keyword: 'ALERT' }), renderDingtalkMessage({ ...huge, mentions: [alice] }, { keyword: 'ALERT' })]) {
      const size = Buffer.byteLength(JSON.stringify(body));
      expect(size).toBeLessThanOrEqual(DINGTALK_BODY_LIMIT_BYTES);
      expect(size).toBeGreaterThan(DINGTALK_BODY_LIMIT_BYTES - 100);
      const text = textOf(body);
      expect(text).toContain('…(truncated; open the incident for the rest)');
      expect(text).toContain('ref 0a1b2c3d');
      expect(text.endsWith('ALERT')).toBe(true);
      expect(text).not.toContain('\uFFFD');
    }
  });

  it('cuts the title field to 128 characters', () => {
    const body = renderDingtalkMessage({ ...page, title: 'x'.repeat(400) });
    expect(body.msgtype === 'actionCard' && Array.from(body.actionCard.title)).toHaveLength(128);
  });
});

describe('renderDingtalkText', () => {
  it('is a text message with the @ tokens and the keyword', () => {
    expect(renderDingtalkText('  INC-12 acknowledged by Alice ', { atUserIds: ['ding-bob'], keyword: 'warroom' })).toEqual({
      msgtype: 'text',
      text: { content: 'INC-12 acknowledged by Alice\n@ding-bob\nwarroom' },
      at: { atUserIds: ['ding-bob'], atMobiles: [], isAtAll: false },
    });
  });
});

describe('mentions and markers', () => {
  it('prefers the DingTalk user id and falls back to the mobile number; skips people with neither', () => {
    const nobody = { kind: 'user' as const, userId: 'u-x', name: 'X', chatIds: {}, phone: null };
    expect(atOf([alice, bob, nobody])).toEqual({ atUserIds: ['ding-alice'], atMobiles: ['13900000002'], isAtAll: false });
  });

  it.each([
    ['+8613800000001', '13800000001'],
    ['+86 138 0000 0001', '13800000001'],
    ['13800000001', '13800000001'],
    ['+1 (415) 555-0123', '14155550123'],
    ['008613800000001', '13800000001'],
    ['8613800000001', '8613800000001'],
    ['---', null],
  ])('normalises mobile %s to %s', (phone, expected) => {
    expect(dingtalkMobile(phone)).toBe(expected);
  });

  it('derives a stable 8-hex marker from the idempotency key and appends it to the footer', () => {
    expect(idempotencyMarker('notify:12:u-alice')).toMatch(/^[0-9a-f]{8}$/);
    expect(idempotencyMarker('notify:12:u-alice')).toBe(idempotencyMarker('notify:12:u-alice'));
    expect(idempotencyMarker('notify:12:u-bob')).not.toBe(idempotencyMarker('notify:12:u-alice'));
    expect(withIdempotencyMarker(page, 'k').footer).toBe(`warroom · ref ${idempotencyMarker('k')}`);
    expect(withIdempotencyMarker({ ...page, footer: undefined }, 'k').footer).toBe(`ref ${idempotencyMarker('k')}`);
  });
});
