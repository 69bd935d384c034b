import { createHash } from 'node:crypto';
import { newId, PermanentError, systemClock, type Clock } from '../../kernel/index.js';
import {
  encodeMessageRef,
  type ChannelSender,
  type ChatCapabilities,
  type ChatMessenger,
  type ChatTarget,
  type DirectoryLookup,
  type Mention,
  type MessageRef,
  type NotificationProvider,
  type RateRule,
  type Recipient,
  type RoomManager,
} from '../api.js';
import { createWecomAppClient, type WecomAppClient } from './app-client.js';
import { defaultRobotName, wecomConfigSchema, type WecomConfig, type WecomConfigInput } from './config.js';
import { createWecomInbound } from './inbound.js';
import { renderWecomMessage } from './render.js';
import { postToRobot, type WecomRobot } from './robot.js';

export { wecomConfigSchema, type WecomConfig, type WecomConfigInput } from './config.js';
export {
  renderWecomMarkdown,
  renderWecomMessage,
  renderWecomTemplateCard,
  renderWecomText,
  wecomMobile,
  type WecomDestination,
  type WecomMessage,
  type WecomTemplateCard,
  type WecomTextPayload,
} from './render.js';
export { createWecomInbound, parseCallback, REPLAY_WINDOW_MS } from './inbound.js';
export { decryptWecomMessage, verifyWecomSignature, wecomAesKey, wecomSignature } from './callback-crypto.js';
export { IDEMPOTENCY_HEADER, MESSAGE_ID_HEADER } from './robot.js';

export interface WecomProviderDeps {
  clock?: Clock;
}

/** WeCom group names are capped at 50 characters (longer ones are cut by WeCom itself). */
const ROOM_NAME_MAX = 50;
/** WeCom has no way to disband an appchat; a closed room is renamed with this prefix. */
export const CLOSED_ROOM_PREFIX = '[已关闭]';

/** appchat ids: at most 32 of [0-9a-zA-Z]. Derived from the key so a retried create finds its chat. */
export const roomChatId = (idempotencyKey: string): string => `wr${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 30)}`;

/**
 * WeCom has no idempotency-key field, but message/send's duplicate check drops a request whose
 * JSON equals one sent in the last 30 minutes. A short digest of the key in the message makes a
 * resend of the same key identical (dropped by WeCom) and a different key different (delivered),
 * and shows the reader that two messages are the same page.
 */
export const idempotencyMarker = (idempotencyKey: string): string => createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 10);

/**
 * WeCom (企业微信): group robots for chat posts, and a self-built app for pages to people
 * (message/send), war rooms (appchat), the directory and callbacks. Without the app, people are
 * paged in the default robot's group with an @mention. There is no updater: robot messages cannot
 * be edited, and update_template_card needs a response_code that only a card click hands out.
 */
export function createWecomProvider(config: WecomConfigInput, deps: WecomProviderDeps = {}): NotificationProvider {
  const settings = wecomConfigSchema.parse(config);
  const clock = deps.clock ?? systemClock;
  const timeoutMs = settings.timeout_ms;
  const robots = new Map<string, WecomRobot>(Object.entries(settings.robots ?? {}).map(([name, r]) => [name, { name, url: new URL(r.webhook_url) }]));
  const client = settings.app ? createWecomAppClient(settings.app, { timeoutMs, clock }) : null;
  const directory = client ? createDirectory(client) : null;
  const defaultRobot = robots.get(defaultRobotName(settings) ?? '');

  const toPerson = async (userId: string, doc: Parameters<ChatMessenger['post']>[1], idempotencyKey: string): Promise<MessageRef> => {
    const message = renderWecomMessage(doc, 'user', { marker: idempotencyMarker(idempotencyKey) });
    const { msgid, invalidUsers } = await client!.sendMessage([userId], message);
    // WeCom lower-cases the userids it reports back.
    if (invalidUsers.includes(userId.toLowerCase())) throw new PermanentError(`wecom does not know user ${userId} (invaliduser)`);
    return { platform: 'wecom', chatId: userId, messageId: msgid ?? newId() };
  };

  const sender: ChannelSender = {
    channel: 'wecom',
    async send(to, doc, options) {
      if (client) {
        const userId = to.chatIds.wecom ?? (await directory!.lookupUser({ email: to.email, mobile: to.phone }));
        if (!userId) throw new PermanentError(`recipient ${to.userId} has no wecom user id, and WeCom knows neither their phone nor email`);
        return { externalId: encodeMessageRef(await toPerson(userId, doc, options.idempotencyKey)) };
      }
      if (!defaultRobot) throw new PermanentError('wecom has neither an app nor a default robot to page people with');
      const mention = mentionOf(to);
      if (!mention) throw new PermanentError(`recipient ${to.userId} has no wecom user id or phone to @mention`);
      const message = renderWecomMessage(doc, 'robot', { marker: idempotencyMarker(options.idempotencyKey), mentions: [mention] });
      const { messageId } = await postToRobot(defaultRobot, message, { idempotencyKey: options.idempotencyKey, timeoutMs });
      return { externalId: encodeMessageRef({ platform: 'wecom', chatId: defaultRobot.name, messageId }) };
    },
  };

  const messenger: ChatMessenger = {
    async post(target, doc, options) {
      // A chat id that names a configured robot is that robot; any other chat id is an appchat.
      const robot = target.kind === 'chat' ? robots.get(target.id) : undefined;
      if (robot) {
        const { messageId } = await postToRobot(robot, renderWecomMessage(doc, 'robot'), { idempotencyKey: options.idempotencyKey, timeoutMs });
        return { platform: 'wecom', chatId: robot.name, messageId };
      }
      if (!client) throw new PermanentError(`wecom has no robot named ${target.id}, and no app to reach other chats or people`);
      if (target.kind === 'user') return toPerson(target.id, doc, options.idempotencyKey);
      const { msgid } = await client.sendToAppchat(target.id, renderWecomMessage(doc, 'appchat'));
      return { platform: 'wecom', chatId: target.id, messageId: msgid ?? newId() };
    },
  };

  const rateRule = (target: ChatTarget): RateRule => {
    // Robots: 20 messages a minute each (documented). [U] Apps: no documented per-chat cap; 30
    // messages a minute to one member is the figure community code quotes.
    if (target.kind === 'chat' && robots.has(target.id)) return { key: `wecom:robot:${target.id}`, intervalMs: 3000 };
    if (target.kind === 'chat') return { key: `wecom:chat:${target.id}`, intervalMs: 200 };
    return { key: `wecom:user:${target.id}`, intervalMs: 2000 };
  };

  const chat: ChatCapabilities = {
    platform: 'wecom',
    messenger,
    ...(client && directory ? { rooms: createRooms(client), directory, inbound: createWecomInbound(callbackSettings(settings)) } : {}),
    rateRule,
    // The page goes where the sender sends it: with the app, to the person (their per-member rule,
    // when their userid is known without a directory lookup); without it, into the default robot's
    // group, counting against that robot's limit like every other post there.
    pageRateRule(to) {
      if (client) return to.chatIds.wecom ? rateRule({ kind: 'user', id: to.chatIds.wecom }) : null;
      return defaultRobot ? rateRule({ kind: 'chat', id: defaultRobot.name }) : null;
    },
  };

  return {
    info: () => ({ id: 'wecom', displayName: 'WeCom (企业微信)', channels: ['wecom'] }),
    senders: [sender],
    chat,
  };
}

/** The person as a robot @mention: their WeCom userid, else their phone. */
function mentionOf(to: Recipient): Mention | null {
  if (!to.chatIds.wecom && !to.phone) return null;
  return { kind: 'user', userId: to.userId, name: to.name, chatIds: to.chatIds, phone: to.phone };
}

function callbackSettings(settings: WecomConfig) {
  const app = settings.app!;
  return { token: app.token, encodingAesKey: app.encoding_aes_key, corpId: app.corp_id };
}

/**
 * War rooms as app group chats (appchat, document path 90245). WeCom allows 2..2000 members, has
 * no description and no disband: closing renames the chat with CLOSED_ROOM_PREFIX, in both modes.
 */
function createRooms(client: WecomAppClient): RoomManager {
  const cut = (name: string) => Array.from(name).slice(0, ROOM_NAME_MAX).join('');
  return {
    async createRoom(spec) {
      const userlist = [...new Set([...(spec.ownerId ? [spec.ownerId] : []), ...spec.memberIds])];
      if (userlist.length < 2) {
        throw new PermanentError(`wecom group chats need at least 2 members, owner included; this room has ${userlist.length}, so WeCom would refuse it`);
      }
      if (userlist.length > 2000) throw new PermanentError(`wecom group chats hold at most 2000 members; this room has ${userlist.length}`);
      const { chatid } = await client.createAppchat({
        chatid: roomChatId(spec.idempotencyKey),
        name: cut(spec.name),
        ...(spec.ownerId ? { owner: spec.ownerId } : {}),
        userlist,
      });
      // appchat/create reports no per-member failures; a bad member fails the whole call (86216).
      return { chatId: chatid, invalidMemberIds: [] };
    },
    async addMembers(chatId, memberIds) {
      if (memberIds.length > 0) await client.updateAppchat({ chatid: chatId, add_user_list: memberIds });
      return { invalidMemberIds: [] };
    },
    async removeMembers(chatId, memberIds) {
      if (memberIds.length > 0) await client.updateAppchat({ chatid: chatId, del_user_list: memberIds });
    },
    async renameRoom(chatId, name) {
      // appchat has no description; only the name changes.
      await client.updateAppchat({ chatid: chatId, name: cut(name) });
    },
    async closeRoom(chatId) {
      const { name } = await client.getAppchat(chatId);
      if (name.startsWith(CLOSED_ROOM_PREFIX)) return;
      await client.updateAppchat({ chatid: chatId, name: cut(`${CLOSED_ROOM_PREFIX} ${name}`) });
    },
  };
}

/** user/getuserid by mobile, then get_userid_by_email as a corporate and then a personal address. */
function createDirectory(client: WecomAppClient): DirectoryLookup {
  return {
    async lookupUser({ email, mobile }) {
      if (mobile?.trim()) {
        const id = await client.userIdByMobile(mobile.trim());
        if (id) return id;
      }
      if (email?.trim()) {
        for (const type of [1, 2] as const) {
          const id = await client.userIdByEmail(email.trim(), type);
          if (id) return id;
        }
      }
      return null;
    },
  };
}
