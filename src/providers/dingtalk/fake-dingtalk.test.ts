import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../kernel/index.js';
import type { RecordedRequest } from '../testing/recorded-request.js';
import { startFakeDingtalk, type FakeDingtalk } from '../testing/fake-dingtalk.js';
import { signedWebhookUrl } from './sign.js';

// The fake is what every DingTalk test trusts, so its own refusals are pinned down here.
const TOKEN = 'tok-plain';
const SIGNED = 'tok-signed';
const SECRET = 'SECfake0123456789';
const clock = new FakeClock('2026-01-05T09:00:00Z');
const seen: RecordedRequest[] = [];
let fake: FakeDingtalk;

beforeAll(async () => {
  fake = await startFakeDingtalk({ robots: { [TOKEN]: {}, [SIGNED]: { secret: SECRET } }, clock, onRequest: (r) => seen.push(r) });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  seen.length = 0;
  clock.set('2026-01-05T09:00:00Z');
});

const send = async (body: unknown, url = fake.webhookUrl(TOKEN)) => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, ...((await response.json()) as { errcode: number; errmsg: string }) };
};
const text = (content = 'hello') => ({ msgtype: 'text', text: { content } });

describe('fake dingtalk robot', () => {
  it('accepts a valid text message, records it and tells the listener', async () => {
    expect(await send(text())).toEqual({ status: 200, errcode: 0, errmsg: 'ok' });
    expect(fake.messages(TOKEN)).toEqual([expect.objectContaining({ accessToken: TOKEN, msgtype: 'text', text: 'hello' })]);
    expect(seen).toEqual([expect.objectContaining({ fake: 'dingtalk', path: '/robot/send', status: 200, query: { access_token: TOKEN } })]);
  });

  it.each([
    ['an unknown msgtype', { msgtype: 'image', image: {} }, 'unknown msgtype'],
    ['empty text', text(''), 'text.content'],
    ['markdown without title', { msgtype: 'markdown', markdown: { text: 'x' } }, 'markdown.title'],
    ['an actionCard without buttons', { msgtype: 'actionCard', actionCard: { title: 't', text: 'x', btns: [] } }, 'singleTitle'],
    ['a button without actionURL', { msgtype: 'actionCard', actionCard: { title: 't', text: 'x', btns: [{ title: 'b' }] } }, 'singleTitle'],
    ['a bad btnOrientation', { msgtype: 'actionCard', actionCard: { title: 't', text: 'x', singleTitle: 's', singleURL: 'https://x', btnOrientation: 1 } }, 'btnOrientation'],
    ['a link without messageUrl', { msgtype: 'link', link: { title: 't', text: 'x' } }, 'link.messageUrl'],
    ['atMobiles as a string', { ...text(), at: { atMobiles: '138' } }, 'at.atMobiles'],
    ['isAtAll as a string', { ...text(), at: { isAtAll: 'true' } }, 'at.isAtAll'],
    ['a body over 20 KB', text('x'.repeat(20_001)), 'over 20000 bytes'],
  ])('refuses %s', async (_case, body, problem) => {
    const answer = await send(body);
    expect(answer.status).toBe(200);
    expect(answer.errcode).toBe(40035);
    expect(answer.errmsg).toContain(problem);
    expect(fake.messages()).toEqual([]);
    expect(fake.requests[0]?.refusal).toContain(problem);
  });

  it('refuses an unknown token', async () => {
    expect(await send(text(), fake.webhookUrl('nope'))).toMatchObject({ errcode: 300001, errmsg: 'token is not exist' });
  });

  it('checks the signature and a millisecond timestamp within an hour', async () => {
    const signedUrl = (at: Date) => signedWebhookUrl(fake.webhookUrl(SIGNED), SECRET, at).toString();
    expect((await send(text(), signedUrl(clock.now()))).errcode).toBe(0);
    expect(await send(text(), signedUrl(new Date(clock.now().getTime() - 3_600_001)))).toMatchObject({ errcode: 310000, errmsg: 'invalid timestamp' });
    expect(await send(text(), signedUrl(clock.now()).replace(/sign=[^&]+/, 'sign=AAAA'))).toMatchObject({ errcode: 310000, errmsg: 'sign not match' });
    expect(await send(text(), fake.webhookUrl(SIGNED))).toMatchObject({ errcode: 310000, errmsg: 'invalid timestamp' });
  });

  it('allows 20 messages per minute per robot, then mutes the robot for 10 minutes', async () => {
    for (let i = 0; i < 20; i += 1) expect((await send(text(`m${i}`))).errcode).toBe(0);
    expect(await send(text())).toMatchObject({ errcode: 130101 });
    clock.advance(61_000);
    // The window has passed, but the robot is still muted.
    expect((await send(text())).errcode).toBe(130101);
    expect(fake.rateViolations()).toBe(2);
    clock.advance(10 * 60_000);
    expect((await send(text())).errcode).toBe(0);
    expect(fake.messages()).toHaveLength(21);
  });

  it('slides the window instead of resetting it each minute', async () => {
    for (let i = 0; i < 10; i += 1) await send(text());
    clock.advance(30_000);
    for (let i = 0; i < 10; i += 1) await send(text());
    clock.advance(31_000);
    // The first ten are older than a minute now, so ten more fit.
    for (let i = 0; i < 10; i += 1) expect((await send(text())).errcode).toBe(0);
    expect((await send(text())).errcode).toBe(130101);
  });

  it('injects faults once each, in order', async () => {
    fake.throttleNext();
    fake.rejectNext();
    fake.serverErrorNext();
    expect(await send(text())).toMatchObject({ status: 200, errcode: 130101 });
    expect(await send(text())).toMatchObject({ status: 200, errcode: 310000 });
    expect((await send(text())).status).toBe(500);
    expect((await send(text())).errcode).toBe(0);
    expect(fake.rateViolations()).toBe(0);
  });

  it('session webhook replies need the app access token', async () => {
    const url = fake.sessionWebhookUrl('s1');
    const post = (token?: string) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { 'x-acs-dingtalk-access-token': token } : {}) }, body: JSON.stringify(text('hi')) }).then(
        (r) => r.json() as Promise<{ errcode: number }>,
      );
    expect((await post()).errcode).toBe(40014);
    expect((await post('wrong')).errcode).toBe(40014);
    expect((await post(fake.sessionAccessToken)).errcode).toBe(0);
    expect(fake.sessionReplies()).toEqual([expect.objectContaining({ session: 's1', text: 'hi' })]);
  });
});
