import { PermanentError } from '../../kernel/index.js';
import type { ChatMessenger, ChatTarget, MessageDoc, MessageRef, MessageUpdater, UrgentCaller, UrgentLevel } from '../api.js';
import type { FeishuApi } from './client.js';
import { chunk, feishuUuid, groupByIdType, userIdTypeOf } from './ids.js';
import { renderFeishuCard, renderFeishuPost } from './render.js';

/** What im.message.create/patch take: msg_type and content as a JSON string (reference §1.3). */
export interface AppContent {
  msg_type: 'interactive' | 'post';
  content: string;
}

/** Digests are read, not acted on: rich text. Everything else is a live card that can be edited. */
export function appContentOf(doc: MessageDoc): AppContent {
  if (doc.kind === 'digest') return { msg_type: 'post', content: JSON.stringify(renderFeishuPost(doc)) };
  return { msg_type: 'interactive', content: JSON.stringify(renderFeishuCard(doc)) };
}

export interface FeishuMessaging {
  messenger: ChatMessenger;
  updater: MessageUpdater;
  urgent: UrgentCaller;
}

export function createFeishuMessaging(api: FeishuApi): FeishuMessaging {
  const messenger: ChatMessenger = {
    async post(target: ChatTarget, doc: MessageDoc, options) {
      const receiveIdType = target.kind === 'chat' ? 'chat_id' : userIdTypeOf(target.id);
      const body = appContentOf(doc);
      const data = await api.call('im.message.create', (c) =>
        c.im.message.create({
          params: { receive_id_type: receiveIdType },
          // Same uuid within an hour → Feishu answers with the message it already sent.
          data: { receive_id: target.id, ...body, uuid: feishuUuid(options.idempotencyKey) },
        }),
      );
      if (!data.message_id) throw new PermanentError('feishu im.message.create answered without a message_id');
      return { platform: 'feishu', chatId: data.chat_id ?? target.id, messageId: data.message_id };
    },
  };

  const updater: MessageUpdater = {
    async update(ref: MessageRef, doc: MessageDoc) {
      const body = appContentOf(doc);
      if (body.msg_type === 'post') {
        await api.call('im.message.update', (c) => c.im.message.update({ path: { message_id: ref.messageId }, data: body }));
        return;
      }
      // PATCH replaces the whole card; sending the same doc twice is harmless.
      await api.call('im.message.patch', (c) => c.im.message.patch({ path: { message_id: ref.messageId }, data: { content: body.content } }));
    },
    async pin(ref: MessageRef) {
      // POST /open-apis/im/v1/pins. A message already pinned is answered with its existing pin
      // (code 0, documented), so pinning twice needs no tolerance here. The bot must be in the chat.
      await api.call('im.pin.create', (c) => c.im.pin.create({ data: { message_id: ref.messageId } }));
    },
  };

  const urgent: UrgentCaller = {
    async urgent(ref: MessageRef, platformUserIds: string[], level: UrgentLevel) {
      const invalidUserIds: string[] = [];
      for (const [userIdType, ids] of groupByIdType(platformUserIds)) {
        for (const batch of chunk(ids, 50)) {
          const request = { path: { message_id: ref.messageId }, params: { user_id_type: userIdType }, data: { user_id_list: batch } };
          const data = await api.call(`im.message.urgent_${level}`, (c) =>
            level === 'phone' ? c.im.message.urgentPhone(request) : level === 'sms' ? c.im.message.urgentSms(request) : c.im.message.urgentApp(request),
          );
          invalidUserIds.push(...(data.invalid_user_id_list ?? []));
        }
      }
      return { invalidUserIds };
    },
  };

  return { messenger, updater, urgent };
}
