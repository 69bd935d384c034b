import { describe, expect, it } from 'vitest';
import type { ChatEvent, ChatOutcome, InboundRequest } from '../api.js';
import { callbackRequest, cardActionEnvelope, messageEventEnvelope } from '../testing/fake-feishu.js';
import { buildFeishuEventDispatcher, createFeishuInbound } from './index.js';

const TOKEN = 'lc-verification-token';

/** What the HTTP path makes of the same envelope, to compare with the long-connection path. */
function viaHttp(envelope: unknown): ChatEvent {
  const { headers, rawBody } = callbackRequest(envelope, { encrypt: false });
  const request: InboundRequest = { method: 'POST', headers, query: {}, rawBody: Buffer.from(rawBody), now: new Date() };
  const result = createFeishuInbound({ verification_token: TOKEN }).handle(request);
  if (!('kind' in result) || result.kind !== 'event') throw new Error('expected an event');
  return result.event;
}

function recorder(outcome: ChatOutcome = { ok: true, text: 'done' }) {
  const events: ChatEvent[] = [];
  const dispatcher = buildFeishuEventDispatcher(async (event) => {
    events.push(event);
    return outcome;
  });
  return { events, dispatcher };
}

describe('feishu long connection dispatcher (the path WSClient takes)', () => {
  it('a card action becomes the same action event as over HTTP, and the toast goes back', async () => {
    const envelope = cardActionEnvelope({ openId: 'ou_alice', messageId: 'om_1', chatId: 'oc_1', action: 'resolve', incident: 'INC-4', token: TOKEN, eventId: 'ev-lc-1' });
    const { events, dispatcher } = recorder({ ok: true, text: 'INC-4 resolved' });
    const reply = await dispatcher.invoke(envelope, { needCheck: false });
    expect(reply).toEqual({ toast: { type: 'success', content: 'INC-4 resolved' } });
    expect(events).toHaveLength(1);
    expect({ ...events[0], at: 0 }).toEqual({ ...viaHttp(envelope), at: 0 });
  });

  it('a failed outcome comes back as an error toast', async () => {
    const envelope = cardActionEnvelope({ openId: 'ou_alice', messageId: 'om_1', chatId: 'oc_1', action: 'ack', incident: 'INC-4', token: TOKEN });
    const { dispatcher } = recorder({ ok: false, text: 'you are not on call' });
    expect(await dispatcher.invoke(envelope, { needCheck: false })).toEqual({ toast: { type: 'error', content: 'you are not on call' } });
  });

  it('a chat message becomes the same message event as over HTTP', async () => {
    const envelope = messageEventEnvelope({ openId: 'ou_bob', chatId: 'oc_1', text: '@_user_1 who is on call', mentions: [{ openId: 'ou_bot', name: 'warroom', bot: true }], token: TOKEN, eventId: 'ev-lc-2' });
    const { events, dispatcher } = recorder();
    await dispatcher.invoke(envelope, { needCheck: false });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'message', eventId: 'ev-lc-2', text: 'who is on call', mentionsBot: true });
    expect({ ...events[0], at: 0 }).toEqual({ ...viaHttp(envelope), at: 0 });
  });

  it('bot messages and foreign buttons never reach warroom', async () => {
    const { events, dispatcher } = recorder();
    await dispatcher.invoke(messageEventEnvelope({ openId: 'ou_bot', chatId: 'oc_1', text: 'echo', senderType: 'app', token: TOKEN }), { needCheck: false });
    const foreign = await dispatcher.invoke(cardActionEnvelope({ openId: 'ou_a', messageId: 'om', chatId: 'oc', action: 'vote', incident: 'x', token: TOKEN }), { needCheck: false });
    expect(foreign).toEqual({});
    expect(events).toHaveLength(0);
  });
});
