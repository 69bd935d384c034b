import { afterAll, beforeAll } from 'vitest';
import type { Recipient } from '../api.js';
import { runChatProviderTestKit, type ChatKitFake } from '../testing/chat-provider-test-kit.js';
import { startFakeFeishu, type FakeFeishu } from '../testing/fake-feishu.js';
import { runProviderTestKit, type KitFake } from '../testing/provider-test-kit.js';
import { createFeishuProvider, renderFeishuCard, type FeishuConfigInput } from './index.js';

const APP_ID = 'cli_kit0000000001';
const APP_SECRET = 'feishu-app-secret-9c1f4e2a7b';
const WRONG_SECRET = 'feishu-app-secret-wrong-000000';
const ENCRYPT_KEY = 'feishu-encrypt-key-51d0c3';
const VERIFICATION_TOKEN = 'feishu-verification-token-88ab';
const SECRETS = [APP_SECRET, WRONG_SECRET, ENCRYPT_KEY, VERIFICATION_TOKEN];
let fake: FakeFeishu;

beforeAll(async () => {
  fake = await startFakeFeishu({
    appId: APP_ID,
    appSecret: APP_SECRET,
    directory: [{ openId: 'ou_kitalice', email: 'alice@example.com', mobile: '+14155550123' }],
  });
});
afterAll(async () => {
  await fake.close();
});

const config = (credentials: 'valid' | 'invalid'): FeishuConfigInput => ({
  app_id: APP_ID,
  app_secret: credentials === 'valid' ? APP_SECRET : WRONG_SECRET,
  domain: fake.url,
  encrypt_key: ENCRYPT_KEY,
  verification_token: VERIFICATION_TOKEN,
  timeout_ms: 400,
});

const faults = () => ({
  throttleNext: (sec?: number) => fake.throttleNext(sec),
  serverErrorNext: () => fake.serverErrorNext(503),
  rejectNext: () => fake.rejectNext(230001, 'invalid receive_id'),
  hangNext: () => fake.hangNext(),
  reset: () => fake.reset(),
  retryAfterSupported: true,
});

const chatKitFake = (): ChatKitFake => ({
  ...faults(),
  posts: () => fake.sends().map((s) => ({ messageId: s.messageId, chatId: s.chatId })),
  updates: () => fake.patches().map((p) => ({ messageId: p.messageId, body: p.body })),
});

const senderKitFake = (): KitFake => ({
  ...faults(),
  deliveries: () => fake.sends().map((s) => ({ externalId: `feishu:${s.chatId}:${s.messageId}`, idempotencyMarker: s.uuid })),
});

runChatProviderTestKit({
  name: 'feishu app',
  platform: 'feishu',
  makeProvider: ({ credentials }) => createFeishuProvider(config(credentials)),
  fake: chatKitFake,
  target: { kind: 'user', id: 'ou_kitbob' },
  secrets: SECRETS,
  render: (doc) => renderFeishuCard(doc),
  canUpdate: true,
});

// No Feishu id on file: the sender finds Alice by email, so a recipient without email or phone has no address.
const alice: Recipient = {
  userId: 'u-alice',
  name: 'Alice',
  email: 'alice@example.com',
  phone: '+14155550123',
  webhookUrl: null,
  timezone: 'Asia/Shanghai',
  chatIds: {},
};

runProviderTestKit({
  name: 'feishu app',
  channel: 'feishu',
  makeProvider: ({ credentials }) => createFeishuProvider(config(credentials)),
  fake: senderKitFake,
  recipient: alice,
  secrets: SECRETS,
});
