import { describe, expect, it } from 'vitest';
import type { MessageDoc } from '../api.js';
import { FEISHU_CARD_MAX_BYTES, renderFeishuCard, renderFeishuPost, renderFeishuText, type FeishuCard } from './render.js';

const doc: MessageDoc = {
  kind: 'page',
  title: 'Orders DB primary unreachable',
  severity: 'P0',
  incidentRef: 'INC-12',
  incidentUrl: 'https://warroom.example/incidents/12',
  summary: 'Primary failed health checks for 3 minutes.',
  fields: [
    { label: 'Service', value: 'orders-db' },
    { label: 'Region', value: 'cn-north-1' },
  ],
  links: [{ label: 'Runbook', url: 'https://runbooks.example/orders-db' }],
  actions: [
    { id: 'view', label: 'Open', url: 'https://warroom.example/incidents/12' },
    { id: 'ack', label: 'Acknowledge' },
    { id: 'resolve', label: 'Resolve' },
    { id: 'escalate', label: 'Escalate' },
  ],
  mentions: [
    { kind: 'user', userId: 'u-alice', name: 'Alice', chatIds: { feishu: 'ou_alice' }, phone: null },
    { kind: 'user', userId: 'u-lin', name: 'Lin', chatIds: { lark: 'ou_lin' }, phone: null },
    { kind: 'user', userId: 'u-carol', name: 'Carol', chatIds: { slack: 'U1' }, phone: null },
    { kind: 'all' },
  ],
  footer: 'warroom · orders',
};

const buttonsOf = (card: FeishuCard) => (card.elements.find((e) => e.tag === 'action')?.actions ?? []) as Record<string, unknown>[];
const markdownOf = (card: FeishuCard) => JSON.stringify(card.elements);

describe('renderFeishuCard', () => {
  it('renders the full page card', () => {
    expect(renderFeishuCard(doc)).toMatchSnapshot();
  });

  it.each([
    ['P0', 'red', '🚨'],
    ['P1', 'orange', '⚠️'],
    ['P2', 'yellow', '⚡'],
    ['P3', 'blue', 'ℹ️'],
  ] as const)('colours %s %s with its emoji in the title', (severity, template, emoji) => {
    const card = renderFeishuCard({ ...doc, severity });
    expect(card.header.template).toBe(template);
    expect(card.header.title.content).toBe(`${emoji} [${severity}] INC-12 Orders DB primary unreachable`);
    expect(card.config.update_multi).toBe(true);
  });

  it('mentions people by open_id (feishu, else lark), everyone as all, and names people it cannot mention', () => {
    const mentionText = renderFeishuCard(doc).elements.map((e) => (e.text as { content?: string } | undefined)?.content ?? '').find((t) => t.includes('<at'));
    expect(mentionText).toBe('<at id=ou_alice></at> <at id=ou_lin></at> Carol <at id=all></at>');
  });

  it('turns ack, resolve and escalate into callback buttons carrying the incident, and view into a link', () => {
    const buttons = buttonsOf(renderFeishuCard(doc));
    expect(buttons.map((b) => [b.type, b.value ?? b.url])).toEqual([
      ['default', 'https://warroom.example/incidents/12'],
      ['danger', { action: 'ack', incident: 'INC-12' }],
      ['primary', { action: 'resolve', incident: 'INC-12' }],
      ['default', { action: 'escalate', incident: 'INC-12' }],
    ]);
    expect(buttons[2]!.confirm).toEqual({ title: { tag: 'plain_text', content: 'Resolve INC-12?' }, text: { tag: 'plain_text', content: doc.title } });
  });

  it.each([
    [undefined, ['view', 'ack', 'resolve', 'escalate']],
    ['triggered', ['view', 'ack', 'resolve', 'escalate']],
    ['acknowledged', ['view', 'resolve', 'escalate']],
    ['investigating', ['view', 'resolve', 'escalate']],
    ['monitoring', ['view', 'resolve', 'escalate']],
    ['resolved', ['view']],
    ['closed', ['view']],
  ])('with status %s keeps only the buttons that still apply', (status, expected) => {
    const card = renderFeishuCard({ ...doc, ...(status ? { status } : {}) });
    const ids = buttonsOf(card).map((b) => (b.value as { action?: string } | undefined)?.action ?? 'view');
    expect(ids).toEqual(expected);
    if (status) expect(markdownOf(card)).toContain(`**Status:** ${status}`);
  });

  it('a resolved doc keeps only the link, whatever its status says', () => {
    expect(buttonsOf(renderFeishuCard({ ...doc, kind: 'resolved' })).map((b) => b.url ?? 'callback')).toEqual(['https://warroom.example/incidents/12']);
  });

  it('links only (custom bots): no callback values, one link per destination', () => {
    const buttons = buttonsOf(renderFeishuCard(doc, { linksOnly: true }));
    expect(buttons).toEqual([{ tag: 'button', type: 'default', text: { tag: 'plain_text', content: 'Open' }, url: 'https://warroom.example/incidents/12' }]);
    const noView = buttonsOf(renderFeishuCard({ ...doc, actions: [{ id: 'ack', label: 'Acknowledge' }] }, { linksOnly: true }));
    expect(noView).toEqual([{ tag: 'button', type: 'danger', text: { tag: 'plain_text', content: 'Acknowledge' }, url: doc.incidentUrl }]);
  });

  it('cannot be made to @everyone by alert text', () => {
    const hostile = renderFeishuCard({ ...doc, mentions: [], summary: 'boom <at id=all></at>', fields: [{ label: 'x', value: '<AT id=ou_ceo></at>' }] });
    expect(markdownOf(hostile)).not.toMatch(/<at/i);
    expect(markdownOf(hostile)).toContain('‹at id=all>');
  });

  it('keeps markdown links intact when labels or URLs contain brackets', () => {
    const card = renderFeishuCard({ ...doc, links: [{ label: 'Logs [prod]', url: 'https://logs.example/q=(a b)' }] });
    expect(markdownOf(card)).toContain('[Logs (prod)](https://logs.example/q=%28a%20b%29)');
  });

  it('cuts an oversized doc below 30 KB and says so', () => {
    const huge: MessageDoc = {
      ...doc,
      summary: 'x'.repeat(50_000),
      fields: Array.from({ length: 200 }, (_, i) => ({ label: `field ${i}`, value: 'v'.repeat(2_000) })),
    };
    const card = renderFeishuCard(huge);
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThanOrEqual(FEISHU_CARD_MAX_BYTES);
    expect(markdownOf(card)).toContain('Some details were cut to fit');
    expect(buttonsOf(card)).toHaveLength(4);
    expect(markdownOf(renderFeishuCard(doc))).not.toContain('cut to fit');
  });
});

describe('renderFeishuText and renderFeishuPost', () => {
  it('text mentions use <at user_id="…">Name</at> and <at user_id="all">', () => {
    const { text } = renderFeishuText(doc);
    expect(text.split('\n')[0]).toBe('🚨 [P0] INC-12 Orders DB primary unreachable');
    expect(text).toContain('<at user_id="ou_alice">Alice</at> <at user_id="ou_lin">Lin</at> Carol <at user_id="all">所有人</at>');
    expect(text).toContain('Runbook: https://runbooks.example/orders-db');
  });

  it('text neutralises mention tags in alert text', () => {
    const { text } = renderFeishuText({ ...doc, mentions: [], title: 'hi <at user_id="all">x</at>' });
    expect(text).not.toMatch(/<at/i);
  });

  it('post mentions are at nodes and links are a nodes', () => {
    const post = renderFeishuPost(doc);
    expect(post.zh_cn.title).toBe('🚨 [P0] INC-12 Orders DB primary unreachable');
    const nodes = post.zh_cn.content.flat();
    expect(nodes).toContainEqual({ tag: 'at', user_id: 'ou_alice', user_name: 'Alice' });
    expect(nodes).toContainEqual({ tag: 'at', user_id: 'all' });
    expect(nodes).toContainEqual({ tag: 'text', text: 'Carol ' });
    expect(nodes).toContainEqual({ tag: 'a', text: 'Runbook', href: 'https://runbooks.example/orders-db' });
    expect(nodes).toContainEqual({ tag: 'a', text: 'Open', href: 'https://warroom.example/incidents/12' });
    expect(post).toMatchSnapshot();
  });

  it('post respects a size budget', () => {
    const post = renderFeishuPost({ ...doc, summary: '长'.repeat(20_000) }, { maxBytes: 10_000 });
    expect(Buffer.byteLength(JSON.stringify(post))).toBeLessThanOrEqual(10_000);
  });
});
