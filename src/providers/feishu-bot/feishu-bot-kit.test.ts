import { afterAll, beforeAll } from 'vitest';
import { runChatProviderTestKit } from '../testing/chat-provider-test-kit.js';
import { startFakeFeishu, type FakeFeishu } from '../testing/fake-feishu.js';
import { createFeishuBotProvider, renderFeishuBotBody } from './index.js';

const HOOK_TOKEN = 'kit-hook-token-5b1e9f';
const SECRET = 'kit-bot-secret-a4c2';
const WRONG = 'kit-bot-secret-wrong';
let fake: FakeFeishu;

beforeAll(async () => {
  fake = await startFakeFeishu({ robots: { [HOOK_TOKEN]: { secret: SECRET } } });
});
afterAll(async () => {
  await fake.close();
});

runChatProviderTestKit({
  name: 'feishu custom bot',
  platform: 'feishu',
  makeProvider: ({ credentials }) =>
    createFeishuBotProvider({
      robots: { ops: { webhook_url: `${fake.url}/open-apis/bot/v2/hook/${HOOK_TOKEN}`, secret: credentials === 'valid' ? SECRET : WRONG } },
      timeout_ms: 400,
    }),
  fake: () => ({
    posts: () => fake.botMessages().map((m) => ({ messageId: m.messageId, chatId: 'ops' })),
    updates: () => [],
    throttleNext: (sec) => fake.throttleNext(sec),
    serverErrorNext: () => fake.serverErrorNext(502),
    rejectNext: () => fake.rejectNext(),
    hangNext: () => fake.hangNext(),
    reset: () => fake.reset(),
    // 11232 comes with no hint; the provider waits out the minute window instead.
    retryAfterSupported: false,
  }),
  target: { kind: 'chat', id: 'ops' },
  secrets: [SECRET, WRONG, HOOK_TOKEN],
  render: (doc) => renderFeishuBotBody(doc),
  canUpdate: false,
});
