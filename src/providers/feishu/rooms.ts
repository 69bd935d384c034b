import { PermanentError } from '../../kernel/index.js';
import type { DirectoryLookup, RoomManager, RoomSpec } from '../api.js';
import type { FeishuApi } from './client.js';
import { chunk, feishuUuid, groupByIdType } from './ids.js';
import { SerialQueue } from './serial-queue.js';

/** Prefix an archived room gets, so people see it is no longer watched. */
export const CLOSED_PREFIX = '[closed] ';
const MEMBERS_PER_CALL = 50;

/**
 * Group chats for war rooms. The bot that creates a chat is a member (and owner unless ownerId is
 * given). Members are added after create through the per-chat queue: create does not report invalid
 * ids, chatMembers.create does (succeed_type 0 adds the valid ones and lists the rest).
 * closeRoom('archive') keeps the chat and its history and renames it with CLOSED_PREFIX.
 */
export function createFeishuRooms(api: FeishuApi): RoomManager {
  const queue = new SerialQueue();

  const changeMembers = (chatId: string, memberIds: string[], mode: 'add' | 'remove') =>
    queue.run(chatId, async () => {
      const invalid: string[] = [];
      for (const [memberIdType, ids] of groupByIdType(memberIds)) {
        for (const batch of chunk(ids, MEMBERS_PER_CALL)) {
          const request = { path: { chat_id: chatId }, params: { member_id_type: memberIdType }, data: { id_list: batch } };
          if (mode === 'remove') {
            const data = await api.call('im.chatMembers.delete', (c) => c.im.chatMembers.delete(request));
            invalid.push(...(data.invalid_id_list ?? []));
            continue;
          }
          const data = await api.call('im.chatMembers.create', (c) =>
            c.im.chatMembers.create({ ...request, params: { ...request.params, succeed_type: 0 } }),
          );
          invalid.push(...(data.invalid_id_list ?? []), ...(data.not_existed_id_list ?? []));
        }
      }
      return { invalidMemberIds: invalid };
    });

  return {
    async createRoom(spec: RoomSpec) {
      const data = await api.call('im.chat.create', (c) =>
        c.im.chat.create({
          // uuid: a retried create within 10 h returns the chat made the first time.
          params: { user_id_type: 'open_id', uuid: feishuUuid(spec.idempotencyKey) },
          data: {
            name: spec.name,
            ...(spec.description ? { description: spec.description } : {}),
            ...(spec.ownerId ? { owner_id: spec.ownerId, user_id_list: [spec.ownerId] } : {}),
          },
        }),
      );
      if (!data.chat_id) throw new PermanentError('feishu im.chat.create answered without a chat_id');
      const others = [...new Set(spec.memberIds)].filter((id) => id !== spec.ownerId);
      const { invalidMemberIds } = others.length ? await changeMembers(data.chat_id, others, 'add') : { invalidMemberIds: [] };
      return { chatId: data.chat_id, invalidMemberIds };
    },
    addMembers: (chatId, memberIds) => changeMembers(chatId, [...new Set(memberIds)], 'add'),
    async removeMembers(chatId, memberIds) {
      await changeMembers(chatId, [...new Set(memberIds)], 'remove');
    },
    async renameRoom(chatId, name, description) {
      await api.call('im.chat.update', (c) =>
        c.im.chat.update({ path: { chat_id: chatId }, data: { name, ...(description !== undefined ? { description } : {}) } }),
      );
    },
    async closeRoom(chatId, mode) {
      if (mode === 'disband') {
        await api.call('im.chat.delete', (c) => c.im.chat.delete({ path: { chat_id: chatId } }));
        return;
      }
      const chat = await api.call('im.chat.get', (c) => c.im.chat.get({ path: { chat_id: chatId } }));
      const name = chat.name ?? '';
      if (name.startsWith(CLOSED_PREFIX)) return;
      await api.call('im.chat.update', (c) => c.im.chat.update({ path: { chat_id: chatId }, data: { name: `${CLOSED_PREFIX}${name}`.slice(0, 60) } }));
    },
  };
}

/**
 * Finds a person's open_id by email, then by mobile (contact.user.batchGetId). People who left
 * or are frozen count as unknown: paging them would reach nobody.
 */
export function createFeishuDirectory(api: FeishuApi): DirectoryLookup {
  return {
    async lookupUser(query) {
      const email = query.email?.trim() || undefined;
      const mobile = query.mobile ? feishuMobile(query.mobile) : undefined;
      if (!email && !mobile) return null;
      const data = await api.call('contact.user.batchGetId', (c) =>
        c.contact.user.batchGetId({
          params: { user_id_type: 'open_id' },
          data: { ...(email ? { emails: [email] } : {}), ...(mobile ? { mobiles: [mobile] } : {}) },
        }),
      );
      const usable = (data.user_list ?? []).filter((u) => u.user_id && !u.status?.is_resigned && !u.status?.is_frozen);
      const byEmail = email ? usable.find((u) => u.email?.toLowerCase() === email.toLowerCase()) : undefined;
      const byMobile = mobile ? usable.find((u) => u.mobile === mobile) : undefined;
      return byEmail?.user_id ?? byMobile?.user_id ?? null;
    },
  };
}

/** Feishu wants mainland China numbers without +86 and every other number with its + country code. */
export function feishuMobile(phone: string): string {
  const compact = phone.replace(/[\s()-]/g, '');
  return compact.startsWith('+86') ? compact.slice(3) : compact;
}
