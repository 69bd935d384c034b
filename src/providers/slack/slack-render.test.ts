import { describe, expect, it } from 'vitest';
import { SEVERITY_STYLES } from '../../contracts/index.js';
import { SEVERITIES } from '../../kernel/index.js';
import type { MessageDoc } from '../api.js';
import { escapeMrkdwn, renderSlackBlocks, type SlackBlock } from './render.js';

const page: MessageDoc = {
  kind: 'page',
  title: 'Database primary unreachable',
  severity: 'P0',
  incidentRef: 'INC-12',
  incidentUrl: 'https://warroom.example/incidents/12',
  summary: 'Primary failed health checks for 3 minutes.',
  fields: [
    { label: 'Service', value: 'orders-db' },
    { label: 'Region', value: 'eu-west-1' },
  ],
  links: [{ label: 'Runbook', url: 'https://runbooks.example/orders-db' }],
  actions: [
    { id: 'ack', label: 'Acknowledge' },
    { id: 'resolve', label: 'Resolve' },
    { id: 'escalate', label: 'Escalate' },
    { id: 'view', label: 'Open' },
  ],
  mentions: [
    { kind: 'user', userId: 'u-alice', name: 'Alice', chatIds: { slack: 'U0ALICE001' }, phone: null },
    { kind: 'user', userId: 'u-bob', name: 'Bob <ops>', chatIds: {}, phone: null },
  ],
  footer: 'Sent by warroom',
};

const body = (doc: MessageDoc): SlackBlock[] => renderSlackBlocks(doc).attachments[0]!.blocks;
const buttons = (doc: MessageDoc) => (body(doc).find((b) => b.type === 'actions')?.elements ?? []) as Record<string, unknown>[];

describe('renderSlackBlocks', () => {
  it('renders a full page: header and mentions on top, the body in a severity-coloured attachment', () => {
    expect(renderSlackBlocks(page)).toMatchInlineSnapshot(`
      {
        "attachments": [
          {
            "blocks": [
              {
                "text": {
                  "text": "Primary failed health checks for 3 minutes.",
                  "type": "mrkdwn",
                },
                "type": "section",
              },
              {
                "fields": [
                  {
                    "text": "*Service*
      orders-db",
                    "type": "mrkdwn",
                  },
                  {
                    "text": "*Region*
      eu-west-1",
                    "type": "mrkdwn",
                  },
                ],
                "type": "section",
              },
              {
                "text": {
                  "text": "<https://runbooks.example/orders-db|Runbook>",
                  "type": "mrkdwn",
                },
                "type": "section",
              },
              {
                "elements": [
                  {
                    "text": "*Severity:* P0 Critical",
                    "type": "mrkdwn",
                  },
                ],
                "type": "context",
              },
              {
                "elements": [
                  {
                    "action_id": "warroom:ack",
                    "style": "danger",
                    "text": {
                      "emoji": true,
                      "text": "Acknowledge",
                      "type": "plain_text",
                    },
                    "type": "button",
                    "value": "INC-12",
                  },
                  {
                    "action_id": "warroom:resolve",
                    "confirm": {
                      "confirm": {
                        "emoji": true,
                        "text": "Resolve",
                        "type": "plain_text",
                      },
                      "deny": {
                        "emoji": true,
                        "text": "Cancel",
                        "type": "plain_text",
                      },
                      "text": {
                        "emoji": true,
                        "text": "INC-12: Database primary unreachable",
                        "type": "plain_text",
                      },
                      "title": {
                        "emoji": true,
                        "text": "Resolve incident?",
                        "type": "plain_text",
                      },
                    },
                    "style": "primary",
                    "text": {
                      "emoji": true,
                      "text": "Resolve",
                      "type": "plain_text",
                    },
                    "type": "button",
                    "value": "INC-12",
                  },
                  {
                    "action_id": "warroom:escalate",
                    "text": {
                      "emoji": true,
                      "text": "Escalate",
                      "type": "plain_text",
                    },
                    "type": "button",
                    "value": "INC-12",
                  },
                  {
                    "action_id": "link:view",
                    "text": {
                      "emoji": true,
                      "text": "Open",
                      "type": "plain_text",
                    },
                    "type": "button",
                    "url": "https://warroom.example/incidents/12",
                  },
                ],
                "type": "actions",
              },
              {
                "elements": [
                  {
                    "text": "Sent by warroom",
                    "type": "mrkdwn",
                  },
                ],
                "type": "context",
              },
            ],
            "color": "#D83931",
            "fallback": "🚨 [P0] INC-12 Database primary unreachable <@U0ALICE001> @Bob &lt;ops&gt;",
          },
        ],
        "blocks": [
          {
            "text": {
              "emoji": true,
              "text": "🚨 [P0] INC-12 Database primary unreachable",
              "type": "plain_text",
            },
            "type": "header",
          },
          {
            "text": {
              "text": "<@U0ALICE001> @Bob &lt;ops&gt;",
              "type": "mrkdwn",
            },
            "type": "section",
          },
        ],
        "text": "🚨 [P0] INC-12 Database primary unreachable <@U0ALICE001> @Bob &lt;ops&gt;",
      }
    `);
  });

  it.each(SEVERITIES)('paints %s with its severity colour and emoji', (severity) => {
    const message = renderSlackBlocks({ ...page, severity });
    expect(message.attachments[0]!.color).toBe(SEVERITY_STYLES[severity].hex);
    expect((message.blocks[0]!.text as { text: string }).text.startsWith(`${SEVERITY_STYLES[severity].emoji} [${severity}] INC-12 `)).toBe(true);
  });

  it('mentions people by Slack id, everyone as <!channel>, and the rest by name, without repeats', () => {
    const message = renderSlackBlocks({
      ...page,
      mentions: [
        { kind: 'user', userId: 'u-carol', name: 'Carol', chatIds: { slack: 'W0CAROL003' }, phone: null },
        { kind: 'all' },
        { kind: 'user', userId: 'u-carol', name: 'Carol', chatIds: { slack: 'W0CAROL003' }, phone: null },
        { kind: 'user', userId: 'u-dan', name: 'Dan', chatIds: { slack: 'not an id>' }, phone: null },
      ],
    });
    expect(message.blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '<@W0CAROL003> <!channel> @Dan' } });
    expect(message.text).toBe('🚨 [P0] INC-12 Database primary unreachable <@W0CAROL003> <!channel> @Dan');
    // Mentions stay out of the attachment, where Slack would not notify.
    expect(JSON.stringify(message.attachments[0]!.blocks)).not.toContain('<@W0CAROL003>');
  });

  it('leaves the mention block out when nobody is mentioned', () => {
    const message = renderSlackBlocks({ ...page, mentions: [] });
    expect(message.blocks.map((b) => b.type)).toEqual(['header']);
    expect(message.text).toBe('🚨 [P0] INC-12 Database primary unreachable');
  });

  it.each([
    [undefined, 'page', ['warroom:ack', 'warroom:resolve', 'warroom:escalate', 'link:view']],
    ['triggered', 'page', ['warroom:ack', 'warroom:resolve', 'warroom:escalate', 'link:view']],
    ['acknowledged', 'update', ['warroom:resolve', 'warroom:escalate', 'link:view']],
    ['investigating', 'update', ['warroom:resolve', 'warroom:escalate', 'link:view']],
    ['monitoring', 'update', ['warroom:resolve', 'warroom:escalate', 'link:view']],
    ['resolved', 'update', ['link:view']],
    ['closed', 'update', ['link:view']],
    [undefined, 'resolved', ['link:view']],
  ] as const)('status %s (%s) keeps only the buttons that apply', (status, kind, expected) => {
    expect(buttons({ ...page, kind, status }).map((b) => b.action_id)).toEqual(expected);
  });

  it('shows the status in the context line', () => {
    const context = body({ ...page, status: 'investigating' }).find((b) => b.type === 'context')!;
    expect(context.elements).toEqual([
      { type: 'mrkdwn', text: '*Severity:* P0 Critical' },
      { type: 'mrkdwn', text: '*Status:* investigating' },
    ]);
  });

  it('drops callback buttons without an incident ref and the view button without any URL', () => {
    expect(buttons({ ...page, incidentRef: undefined }).map((b) => b.action_id)).toEqual(['link:view']);
    expect(buttons({ ...page, incidentUrl: undefined }).map((b) => b.action_id)).toEqual(['warroom:ack', 'warroom:resolve', 'warroom:escalate']);
    const ownUrl = buttons({ ...page, incidentUrl: undefined, actions: [{ id: 'view', label: 'Timeline', url: 'https://warroom.example/i/12?tab=timeline' }] });
    expect(ownUrl).toEqual([{ type: 'button', action_id: 'link:view', text: { type: 'plain_text', text: 'Timeline', emoji: true }, url: 'https://warroom.example/i/12?tab=timeline' }]);
  });

  it('escapes &, < and > in user text so it cannot forge links or mentions; the plain-text header stays literal', () => {
    const hostile: MessageDoc = {
      ...page,
      title: 'Ops & <Dev> down',
      summary: 'Ping <!channel> or <@U0BOSS> & see <https://evil.example|here>',
      fields: [{ label: '<b>Owner</b>', value: 'A & B' }],
      links: [{ label: 'Logs <1h>', url: 'https://logs.example/q?a=1&b=2|x' }],
      footer: '<!here>',
      mentions: [],
    };
    const message = renderSlackBlocks(hostile);
    const text = JSON.stringify(message.attachments);
    expect(text).toContain('Ping &lt;!channel&gt; or &lt;@U0BOSS&gt; &amp; see &lt;https://evil.example|here&gt;');
    expect(text).toContain('*&lt;b&gt;Owner&lt;/b&gt;*\\nA &amp; B');
    expect(text).toContain('<https://logs.example/q?a=1&amp;b=2%7Cx|Logs &lt;1h&gt;>');
    expect(text).toContain('&lt;!here&gt;');
    expect(text).not.toMatch(/<!|<@/);
    expect((message.blocks[0]!.text as { text: string }).text).toBe('🚨 [P0] INC-12 Ops & <Dev> down');
    expect(message.text).toBe('🚨 [P0] INC-12 Ops &amp; &lt;Dev&gt; down');
    expect(escapeMrkdwn('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
  });

  it('puts at most 10 fields in a section', () => {
    const fields = Array.from({ length: 23 }, (_, i) => ({ label: `F${i}`, value: `v${i}` }));
    const sections = body({ ...page, fields }).filter((b) => b.fields !== undefined);
    expect(sections.map((s) => (s.fields as unknown[]).length)).toEqual([10, 10, 3]);
    expect((sections[2]!.fields as { text: string }[])[2]!.text).toBe('*F22*\nv22');
  });

  it('keeps the header within 150 characters without splitting an emoji, and texts within their limits', () => {
    const message = renderSlackBlocks({ ...page, title: '🔥'.repeat(200), summary: '&'.repeat(5000) });
    const header = (message.blocks[0]!.text as { text: string }).text;
    expect(header.length).toBeLessThanOrEqual(150);
    expect(header.endsWith('…')).toBe(true);
    expect(header).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    const summary = (message.attachments[0]!.blocks[0]!.text as { text: string }).text;
    expect(summary.length).toBeLessThanOrEqual(3000);
    // Cut between entities, never inside one.
    expect(summary).toMatch(/^(&amp;)+…$/);
  });
});
