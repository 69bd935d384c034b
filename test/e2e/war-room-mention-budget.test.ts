import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, alertmanagerPayload, startTestApp, type TestApp } from '../helpers/test-app.js';
import { waitUntil } from '../helpers/wait-until.js';

let h: TestApp;

beforeAll(async () => {
  h = await startTestApp({
    config: `
users:
  - { id: alice, name: Alice, role: admin }
  - { id: bob, name: Bob }
escalation_policies:
  - { id: p, name: P, levels: [{ targets: [{ user: alice }] }] }
services:
  - { id: checkout, name: Checkout, owner: bob, escalation_policy: p, integration_keys: [{ key: key-checkout-0001 }] }
war_rooms:
  mention_budgets: { critical: 2 }
notifications:
  digest_after: 1s
api_tokens:
  - { name: admin, token: ${ADMIN_TOKEN}, role: admin, user: alice }
`,
  });
});
afterAll(async () => h?.close());

type Mention = { user_id: string; suppressed: boolean; reason: string };
const mentionsOf = async (ref: string) => (await h.request('GET', `/api/v1/incidents/${ref}/room`)).body.mentions as Mention[];

describe('mention budgets protect people from a storm of @s', () => {
  it('past two critical @mentions an hour, a person is no longer @mentioned, and that is recorded with the reason', async () => {
    const refs: string[] = [];
    for (const name of ['DiskFull', 'PoolExhausted', 'QueueStuck']) {
      const sent = await h.request('POST', '/api/v1/integrations/alertmanager/key-checkout-0001', { token: null, body: alertmanagerPayload([{ labels: { alertname: name, severity: 'disaster' } }]) });
      const ref = sent.body.results[0].incident as string;
      refs.push(ref);
      // One incident at a time, so the budget counts the earlier rooms' mentions.
      await waitUntil(`the mentions of ${ref}`, () => mentionsOf(ref), (m) => m.length >= 2);
    }
    const [first, second, third] = await Promise.all(refs.map(mentionsOf));
    for (const m of [first!, second!]) expect(m.filter((x) => !x.suppressed).map((x) => x.user_id).sort()).toEqual(['alice', 'bob']);
    expect(third!.filter((x) => x.suppressed).map((x) => x.user_id).sort()).toEqual(['alice', 'bob']);
    expect(third!.find((x) => x.user_id === 'alice')!.reason).toMatch(/on call/);
    const post = (await h.request('GET', `/api/v1/incidents/${refs[2]}/room/messages`)).body.items.find((m: { text: string }) => m.text.includes('needs you'));
    expect(post.doc.mentions).toEqual([]);
    expect(post.text).toContain('over the hourly mention budget');
    // The held-back mention reaches Alice as one digest in her inbox.
    const inbox = await waitUntil('the mention digest', async () => (await h.request('GET', '/api/v1/me/inbox')).body.items as { doc: { title: string; fields: { label: string }[] } }[], (items) => items.some((i) => i.doc.title.includes('held back by your mention budget')));
    const digest = inbox.find((i) => i.doc.title.includes('held back by your mention budget'))!;
    expect(digest.doc.fields.map((f) => f.label.split(' ')[0])).toEqual([refs[2]]);
  });
});
