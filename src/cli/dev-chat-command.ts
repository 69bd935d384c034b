import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { parse, stringify } from 'yaml';
import { startFakeDingtalk } from '../providers/testing/fake-dingtalk.js';
import { startFakeFeishu } from '../providers/testing/fake-feishu.js';
import { startFakeSlack } from '../providers/testing/fake-slack.js';
import { startFakeWecom } from '../providers/testing/fake-wecom.js';
import type { RecordedRequest } from '../providers/testing/recorded-request.js';
import { describeRequest } from './dev-chat-headline.js';

// Fixed, public development values: these fakes exist only on this machine.
const DEV = {
  feishu: { appId: 'cli_devchat', appSecret: 'dev-chat-app-secret', verificationToken: 'dev-chat-verification', encryptKey: 'dev-chat-encrypt-key', chat: 'oc_devchat_ops' },
  slack: { botToken: 'xoxb-dev-chat-0000-bot-token', signingSecret: 'dev-chat-slack-signing-secret' },
  dingtalk: { token: 'dev-chat-ding-token', secret: 'SECdevchat0123456789' },
  wecom: { key: 'dev-chat-wecom-key', corpId: 'wwdevchat', corpSecret: 'dev-chat-wecom-secret', agentId: 1000002, token: 'devchattoken', aesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' },
};

interface Options {
  portBase: string;
  config: string;
  out: string;
  warroom: string;
}

/**
 * `warroom dev-chat`: local stand-ins of Feishu, Slack, DingTalk and WeCom that print what warroom
 * sends them, plus a config that points warroom at them, so the whole chat flow can be watched
 * without any account. `press ack INC-1` on stdin clicks a card button as Feishu would.
 */
export function registerDevChatCommand(program: Command): void {
  program
    .command('dev-chat')
    .description('run local fakes of the chat platforms and print every message warroom sends them')
    .option('--port-base <port>', 'first of four ports (Feishu, Slack, DingTalk, WeCom)', '4100')
    .option('-c, --config <file>', 'config to copy and point at the fakes', 'examples/warroom.yaml')
    .option('-o, --out <file>', 'where to write the config for warroom', 'data/dev-chat.yaml')
    .option('--warroom <url>', 'warroom base URL, for button presses', 'http://127.0.0.1:8080')
    .action(async (options: Options) => runDevChat(options));
}

async function runDevChat(options: Options): Promise<void> {
  const base = Number(options.portBase);
  const print = (request: RecordedRequest) => {
    const line = describeRequest(request);
    if (line) console.log(line);
  };
  const source = parse(await readFile(options.config, 'utf8')) as Record<string, any>;
  const users = (source.users ?? []) as { id: string; name: string; email?: string; chat?: Record<string, string> }[];
  const feishu = await startFakeFeishu({
    port: base, appId: DEV.feishu.appId, appSecret: DEV.feishu.appSecret, onRequest: print,
    chats: [{ chatId: DEV.feishu.chat, name: 'SRE on call', members: users.flatMap((u) => (u.chat?.feishu ? [u.chat.feishu] : [])) }],
    directory: users.flatMap((u) => (u.email ? [{ openId: `ou_${u.id}_dev`, email: u.email }] : [])),
  });
  const slack = await startFakeSlack({ port: base + 1, botToken: DEV.slack.botToken, signingSecret: DEV.slack.signingSecret, onRequest: print, users: users.flatMap((u) => (u.chat?.slack ? [{ id: u.chat.slack, name: u.id, email: u.email ?? `${u.id}@example.com` }] : [])) });
  const slackChannel = slack.seedChannel('incidents');
  const dingtalk = await startFakeDingtalk({ port: base + 2, robots: { [DEV.dingtalk.token]: { secret: DEV.dingtalk.secret } }, onRequest: print });
  const wecom = await startFakeWecom({ port: base + 3, robots: { [DEV.wecom.key]: {} }, app: { corpId: DEV.wecom.corpId, corpSecret: DEV.wecom.corpSecret, agentId: DEV.wecom.agentId }, onRequest: print });

  source.channels = {
    ...(source.channels ?? {}),
    feishu: { app_id: DEV.feishu.appId, app_secret: DEV.feishu.appSecret, domain: feishu.url, verification_token: DEV.feishu.verificationToken, encrypt_key: DEV.feishu.encryptKey, timeout_ms: 3000 },
    slack: { bot_token: DEV.slack.botToken, signing_secret: DEV.slack.signingSecret, api_url: slack.apiUrl, timeout_ms: 3000 },
    dingtalk: { robots: { oncall: { webhook_url: dingtalk.webhookUrl(DEV.dingtalk.token), secret: DEV.dingtalk.secret } }, timeout_ms: 3000 },
    wecom: { robots: { sre: { webhook_url: wecom.robotUrl(DEV.wecom.key) } }, timeout_ms: 3000 },
  };
  const destinations = [
    { provider: 'feishu', target: DEV.feishu.chat },
    { provider: 'slack', target: slackChannel },
    { provider: 'dingtalk', target: 'oncall' },
    { provider: 'wecom', target: 'sre' },
  ];
  for (const service of (source.services ?? []) as Record<string, unknown>[]) service.chat_destinations = destinations;
  await mkdir(dirname(options.out), { recursive: true });
  await writeFile(options.out, `# Written by \`warroom dev-chat\`: ${options.config} pointed at local chat fakes.\n${stringify(source)}`);

  console.log(`Chat fakes listening:
  Feishu/Lark  ${feishu.url}   (chat ${DEV.feishu.chat})
  Slack        ${slack.url}   (channel ${slackChannel})
  DingTalk     ${dingtalk.url}
  WeCom        ${wecom.url}

Config for warroom written to ${options.out}. In another terminal:
  WARROOM_CONFIG=${options.out} npm start
  npx warroom send-alert --severity disaster --name CheckoutDown --summary "Checkout is down" --key demo-checkout

Every request warroom makes to a chat platform is printed below. Type "press ack INC-1" (or resolve,
escalate; add an open_id to press as someone else) to click the latest Feishu card's button.
`);
  const input = createInterface({ input: process.stdin });
  input.on('line', (line) => {
    const [verb, action, incident, openId] = line.trim().split(/\s+/);
    if (verb !== 'press' || !action || !incident) return void console.log('usage: press <ack|resolve|escalate> <INC-n> [open_id]');
    const card = [...feishu.sends()].reverse().find((s) => JSON.stringify(s.content).includes(`"incident":"${incident}"`));
    if (!card) return void console.log(`no Feishu card about ${incident} yet`);
    const presser = openId ?? users.find((u) => u.chat?.feishu)?.chat?.feishu ?? 'ou_unknown';
    const envelope = feishu.cardAction({ openId: presser, messageId: card.messageId, chatId: card.chatId, action, incident, token: DEV.feishu.verificationToken });
    void feishu.postCallback(`${options.warroom.replace(/\/$/, '')}/api/v1/chat/feishu/events`, envelope, { encryptKey: DEV.feishu.encryptKey }).then(
      (answer) => console.log(`pressed ${action} on ${incident} as ${presser}: ${answer.status} ${JSON.stringify(answer.body)}`),
      (error: Error) => console.log(`could not reach warroom at ${options.warroom}: ${error.message}`),
    );
  });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  input.close();
  await Promise.all([feishu.close(), slack.close(), dingtalk.close(), wecom.close()]);
}
