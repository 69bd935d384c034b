import { describe, expect, it } from 'vitest';
import type { Mention, MessageDoc } from '../api.js';
import {
  APP_MARKDOWN_MAX_BYTES,
  renderWecomMarkdown,
  renderWecomMessage,
  renderWecomTemplateCard,
  renderWecomText,
  ROBOT_MARKDOWN_MAX_BYTES,
  TEXT_MAX_BYTES,
  TRUNCATION_NOTE,
  utf8Bytes,
  wecomMobile,
} from './render.js';

const doc: MessageDoc = {
  kind: 'page',
  title: '订单库主节点不可达',
  severity: 'P0',
  incidentRef: 'INC-12',
  incidentUrl: 'https://warroom.example/incidents/12',
  status: 'triggered',
  summary: 'Primary failed health checks for 3 minutes.',
  fields: [
    { label: 'Service', value: 'orders-db' },
    { label: 'Region', value: 'cn-shanghai' },
  ],
  links: [{ label: 'Runbook', url: 'https://runbooks.example/orders-db' }],
  actions: [
    { id: 'ack', label: 'Acknowledge' },
    { id: 'resolve', label: 'Resolve' },
    { id: 'view', label: 'Open', url: 'https://warroom.example/incidents/12?tab=timeline' },
  ],
  mentions: [],
  footer: 'Sent by warroom',
};

const alice: Mention = { kind: 'user', userId: 'u-alice', name: 'Alice', chatIds: { wecom: 'alice' }, phone: '+8613800000001' };
const bob: Mention = { kind: 'user', userId: 'u-bob', name: 'Bob', chatIds: {}, phone: '13800000002' };
const carol: Mention = { kind: 'user', userId: 'u-carol', name: 'Carol', chatIds: {}, phone: null };
/** Decoding and re-encoding is lossless only if no multi-byte character was cut in half. */
const wholeUtf8 = (text: string) => expect(Buffer.from(text, 'utf8').toString('utf8')).not.toContain('\uFFFD');

describe('renderWecomMarkdown', () => {
  it('renders the title line, the severity colour, fields, links, actions and footer', () => {
    expect(renderWecomMarkdown(doc, { marker: 'a1b2c3d4e5' })).toMatchInlineSnapshot(`
      "🚨 **[P0] INC-12 订单库主节点不可达**

      <font color="warning">P0 紧急 Critical</font> · 状态: triggered

      Primary failed health checks for 3 minutes.

      > Service: orders-db
      > Region: cn-shanghai

      [Runbook](https://runbooks.example/orders-db) · [Acknowledge](https://warroom.example/incidents/12) · [Resolve](https://warroom.example/incidents/12) · [Open](https://warroom.example/incidents/12?tab=timeline)

      <font color="comment">Sent by warroom · ref a1b2c3d4e5</font>"
    `);
  });

  it.each([
    ['P0', 'warning'],
    ['P1', 'warning'],
    ['P2', 'comment'],
    ['P3', 'info'],
  ] as const)('colours %s as %s', (severity, colour) => {
    expect(renderWecomMarkdown({ ...doc, severity })).toContain(`<font color="${colour}">${severity} `);
  });

  it('keeps multi-byte Chinese within 4096 bytes, cutting the summary on a character boundary', () => {
    const long = { ...doc, summary: '数据库连接池耗尽，'.repeat(400) };
    const content = renderWecomMarkdown(long);
    expect(utf8Bytes(content)).toBeLessThanOrEqual(ROBOT_MARKDOWN_MAX_BYTES);
    expect(utf8Bytes(content)).toBeGreaterThan(ROBOT_MARKDOWN_MAX_BYTES - 40);
    wholeUtf8(content);
    expect(content).toContain(TRUNCATION_NOTE);
    // The summary gives way; title, links and footer survive.
    expect(content.startsWith('🚨 **[P0] INC-12')).toBe(true);
    expect(content).toContain('[Open](https://warroom.example/incidents/12?tab=timeline)');
    expect(content).toContain('Sent by warroom');
  });

  it('cuts the whole message when fields alone overflow the limit', () => {
    const crowded = { ...doc, fields: Array.from({ length: 40 }, (_, i) => ({ label: `字段${i}`, value: '很长的值'.repeat(20) })) };
    const content = renderWecomMarkdown(crowded, { maxBytes: APP_MARKDOWN_MAX_BYTES });
    expect(utf8Bytes(content)).toBeLessThanOrEqual(APP_MARKDOWN_MAX_BYTES);
    expect(content.endsWith(TRUNCATION_NOTE)).toBe(true);
    wholeUtf8(content);
  });

  it('lists mentions by name (markdown cannot notify them) and strips brackets from link text', () => {
    const content = renderWecomMarkdown({ ...doc, mentions: [alice, { kind: 'all' }], links: [{ label: '[Grafana]', url: 'https://g.example' }] });
    expect(content).toContain('@Alice @所有人');
    expect(content).toContain('[Grafana](https://g.example)');
  });
});

describe('renderWecomText', () => {
  it('fills mentioned_list from chatIds.wecom, mentioned_mobile_list from phones, and @all', () => {
    const text = renderWecomText(doc, [alice, bob, carol, { kind: 'all' }, alice]);
    expect(text.mentioned_list).toEqual(['alice', '@all']);
    expect(text.mentioned_mobile_list).toEqual(['13800000002']);
    expect(text.content.split('\n')[0]).toBe('🚨 [P0] INC-12 订单库主节点不可达');
    expect(text.content).toContain('Acknowledge: https://warroom.example/incidents/12');
  });

  it('@s mainland phones as the bare 11 digits, without +86, 0086 or punctuation', () => {
    const phones = ['+8613800000001', '+86 138-0000-0003', '008613800000004', '(138) 0000 0005', '+86 13800000001'];
    const mentions: Mention[] = phones.map((phone, i) => ({ kind: 'user', userId: `u-${i}`, name: `P${i}`, chatIds: {}, phone }));
    expect(renderWecomText(doc, mentions).mentioned_mobile_list).toEqual(['13800000001', '13800000003', '13800000004', '13800000005']);
    expect(wecomMobile('+1 (415) 555-0100')).toBe('14155550100');
    expect(wecomMobile(' - ')).toBeNull();
    expect(renderWecomText(doc, [{ kind: 'user', userId: 'u-x', name: 'X', chatIds: {}, phone: '--' }])).not.toHaveProperty('mentioned_mobile_list');
  });

  it('omits empty mention lists', () => {
    const text = renderWecomText(doc, [carol]);
    expect(text).not.toHaveProperty('mentioned_list');
    expect(text).not.toHaveProperty('mentioned_mobile_list');
  });

  it('stays within 2048 bytes with Chinese text', () => {
    const text = renderWecomText({ ...doc, summary: '磁盘使用率超过百分之九十五。'.repeat(200) }, [alice]);
    expect(utf8Bytes(text.content)).toBeLessThanOrEqual(TEXT_MAX_BYTES);
    expect(text.content).toContain(TRUNCATION_NOTE);
    wholeUtf8(text.content);
  });
});

describe('renderWecomTemplateCard', () => {
  it('renders a text_notice card with the severity emphasised and the incident as card_action', () => {
    const card = renderWecomTemplateCard(doc, { marker: 'a1b2c3d4e5' })!;
    expect(card.card_type).toBe('text_notice');
    expect(card.card_action).toEqual({ type: 1, url: 'https://warroom.example/incidents/12' });
    expect(card.emphasis_content).toEqual({ title: 'P0', desc: '紧急 Critical' });
    expect(card.main_title).toEqual({ title: '🚨 [P0] INC-12 订单库主节点不可达', desc: '状态: triggered' });
    expect(card.sub_title_text).toBe('Primary failed health checks for 3 minutes.');
    expect(card.source).toEqual({ desc: 'warroom · a1b2c3d4e5', desc_color: 2 });
  });

  it('keeps at most 6 fields and 3 jumps, actions first', () => {
    const busy = { ...doc, fields: Array.from({ length: 9 }, (_, i) => ({ label: `f${i}`, value: `${i}` })) };
    const card = renderWecomTemplateCard(busy)!;
    expect(card.horizontal_content_list).toHaveLength(6);
    expect(card.jump_list.map((j) => j.title)).toEqual(['Acknowledge', 'Resolve', 'Open']);
  });

  it('falls back to the first link for card_action, and to null without any URL', () => {
    const noIncidentUrl = { ...doc, incidentUrl: undefined, actions: [] };
    expect(renderWecomTemplateCard(noIncidentUrl)?.card_action.url).toBe('https://runbooks.example/orders-db');
    expect(renderWecomTemplateCard({ ...noIncidentUrl, links: [] })).toBeNull();
  });
});

describe('buttons once the incident is over', () => {
  it.each(['resolved', 'closed'])('drops ack/resolve/escalate when %s, keeping view', (status) => {
    const over = { ...doc, status, actions: [...doc.actions, { id: 'escalate' as const, label: 'Escalate' }] };
    const markdown = renderWecomMarkdown(over);
    expect(markdown).not.toMatch(/Acknowledge|Resolve\]|Escalate/);
    expect(markdown).toContain('[Open]');
    expect(renderWecomTemplateCard(over)!.jump_list.map((j) => j.title)).toEqual(['Open', 'Runbook']);
    expect(renderWecomText(over, []).content).not.toContain('Acknowledge');
  });

  it('keeps them while the incident is open', () => {
    expect(renderWecomTemplateCard({ ...doc, status: 'acknowledged' })!.jump_list.map((j) => j.title)).toEqual(['Acknowledge', 'Resolve', 'Open']);
  });
});

describe('renderWecomMessage picks the format', () => {
  it('text when there are mentions, card for a robot page, markdown for other robot posts', () => {
    expect(renderWecomMessage({ ...doc, mentions: [alice] }, 'robot').msgtype).toBe('text');
    expect(renderWecomMessage(doc, 'robot').msgtype).toBe('template_card');
    expect(renderWecomMessage({ ...doc, kind: 'update' }, 'robot').msgtype).toBe('markdown');
  });

  it('a card to a person through the app, markdown when the doc has no URL', () => {
    expect(renderWecomMessage({ ...doc, kind: 'update', mentions: [alice] }, 'user').msgtype).toBe('template_card');
    const bare = { ...doc, incidentUrl: undefined, links: [], actions: [] };
    expect(renderWecomMessage(bare, 'user').msgtype).toBe('markdown');
  });

  it('markdown to appchat rooms, within the app limit of 2048 bytes', () => {
    const message = renderWecomMessage({ ...doc, summary: '告警'.repeat(2000), mentions: [alice] }, 'appchat');
    expect(message.msgtype).toBe('markdown');
    if (message.msgtype !== 'markdown') throw new Error('unreachable');
    expect(utf8Bytes(message.markdown.content)).toBeLessThanOrEqual(APP_MARKDOWN_MAX_BYTES);
  });
});
