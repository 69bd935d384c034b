import type { Clock } from '../../kernel/index.js';
import { FakeFeishuState, idFitsType, newOpenId, p2pChatIdOf, type FakeCall, type FakeFeishuUser } from './fake-feishu-state.js';

/**
 * The IM and contact routes of the fake (reference §6 Feishu items 3–10). Business errors answer
 * HTTP 400 with a Feishu code, as the open platform does. [U] The exact codes for "chat not
 * found", "content too long" and "too many ids" are guesses; the shapes are documented.
 */
export interface ImOptions {
  appId: string;
  memberHoldMs: number;
  invalidUserIds: Set<string>;
  directory: () => FakeFeishuUser[];
  clock: Clock;
}

const MSG_TYPES = new Set(['text', 'post', 'image', 'file', 'audio', 'media', 'sticker', 'interactive', 'share_chat', 'share_user', 'system']);
const RECEIVE_ID_TYPES = new Set(['open_id', 'user_id', 'union_id', 'email', 'chat_id']);
const USER_ID_TYPES = new Set(['open_id', 'user_id', 'union_id']);
const TEXT_MAX = 150 * 1024;
const CARD_MAX = 30 * 1024;
const UUID_WINDOW_MS = 60 * 60 * 1000;
const PER_TARGET_QPS = 5;
/** Pin/unpin calls on one message (reference: "对同一条消息的 Pin 操作不能超过 5 QPS"). */
const PIN_QPS_PER_MESSAGE = 5;

type Route = [methods: RegExp, path: RegExp, handle: (state: FakeFeishuState, call: FakeCall, options: ImOptions, params: string[]) => void];

const ROUTES: Route[] = [
  [/^POST$/, /^\/open-apis\/im\/v1\/messages$/, (s, c, o) => createMessage(s, c, o)],
  [/^POST$/, /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/, (s, c, o, [id]) => createMessage(s, c, o, id)],
  [/^PATCH$/, /^\/open-apis\/im\/v1\/messages\/([^/]+)\/urgent_(app|sms|phone)$/, (s, c, o, [id, level]) => urgent(s, c, o, id!, level as 'app')],
  [/^(PATCH|PUT)$/, /^\/open-apis\/im\/v1\/messages\/([^/]+)$/, (s, c, _o, [id]) => editMessage(s, c, id!)],
  [/^POST$/, /^\/open-apis\/im\/v1\/pins$/, (s, c, o) => pin(s, c, o)],
  [/^POST$/, /^\/open-apis\/im\/v1\/chats$/, (s, c, o) => createChat(s, c, o)],
  [/^(POST|DELETE)$/, /^\/open-apis\/im\/v1\/chats\/([^/]+)\/members$/, (s, c, o, [id]) => members(s, c, o, id!)],
  [/^(GET|PUT|DELETE)$/, /^\/open-apis\/im\/v1\/chats\/([^/]+)$/, (s, c, _o, [id]) => chat(s, c, id!)],
  [/^POST$/, /^\/open-apis\/contact\/v3\/users\/batch_get_id$/, (s, c, o) => batchGetId(s, c, o)],
  [/^POST$/, /^\/open-apis\/interactive\/v1\/card\/update$/, (s, c) => cardUpdate(s, c)],
];

/** Routes one authorised request; returns false when no route matched. */
export function routeIm(state: FakeFeishuState, call: FakeCall, options: ImOptions): boolean {
  for (const [methods, path, handle] of ROUTES) {
    const match = path.exec(call.path);
    if (match && methods.test(call.method)) {
      handle(state, call, options, match.slice(1));
      return true;
    }
  }
  return false;
}

/** content must be a JSON string of the right shape and size for its msg_type; returns the parsed content or a refusal. */
function checkContent(msgType: string, content: unknown): { parsed: unknown } | { refusal: string; code: number } {
  if (typeof content !== 'string') return { refusal: 'content must be a JSON string', code: 230001 };
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return { refusal: 'content is not valid JSON', code: 230001 };
  }
  const bytes = Buffer.byteLength(content, 'utf8');
  if (msgType === 'text' && bytes > TEXT_MAX) return { refusal: 'text content over 150 KB', code: 230025 };
  if ((msgType === 'interactive' || msgType === 'post') && bytes > CARD_MAX) return { refusal: `${msgType} content over 30 KB`, code: 230025 };
  const p = (parsed ?? {}) as Record<string, unknown>;
  if (msgType === 'text' && typeof p.text !== 'string') return { refusal: 'text content needs a text field', code: 230001 };
  if (msgType === 'post' && !Object.values(p).some((locale) => Array.isArray((locale as { content?: unknown })?.content))) {
    return { refusal: 'post content needs a locale with content rows', code: 230001 };
  }
  if (msgType === 'interactive') {
    const elements = p.elements ?? (p.body as { elements?: unknown } | undefined)?.elements;
    const template = p.type === 'template';
    if (!template && (!Array.isArray(elements) || elements.some((e) => typeof (e as { tag?: unknown })?.tag !== 'string'))) {
      return { refusal: 'card needs elements with a tag each', code: 230001 };
    }
  }
  return { parsed };
}

function createMessage(state: FakeFeishuState, call: FakeCall, options: ImOptions, parentId?: string): void {
  const { body } = call;
  const msgType = String(body.msg_type ?? '');
  if (!MSG_TYPES.has(msgType)) return call.fail(400, 230001, `invalid msg_type ${msgType}`);
  let chatId: string;
  let receiveId: string;
  let receiveIdType: string;
  if (parentId) {
    const parent = state.messages.get(parentId);
    if (!parent) return call.fail(400, 230001, 'invalid message_id');
    chatId = parent.chatId;
    receiveId = chatId;
    receiveIdType = 'chat_id';
  } else {
    receiveIdType = call.query.get('receive_id_type') ?? '';
    receiveId = typeof body.receive_id === 'string' ? body.receive_id : '';
    if (!RECEIVE_ID_TYPES.has(receiveIdType)) return call.fail(400, 99992402, 'field validation failed: receive_id_type');
    if (!receiveId) return call.fail(400, 99992402, 'field validation failed: receive_id');
    if (receiveIdType === 'chat_id') {
      if (state.chats.get(receiveId)?.status !== 'normal') return call.fail(400, 230002, 'Bot/User can NOT be out of the chat.');
      chatId = receiveId;
    } else {
      if ((receiveIdType !== 'email' && !idFitsType(receiveId, receiveIdType)) || options.invalidUserIds.has(receiveId)) {
        return call.fail(400, 230001, 'Your request contains an invalid request parameter, ext=invalid receive_id.');
      }
      chatId = p2pChatIdOf(receiveId);
    }
  }
  const checked = checkContent(msgType, body.content);
  if ('refusal' in checked) return call.fail(400, checked.code, checked.refusal);
  // 5 messages a second to one user or one chat (reference §5); over it, Feishu throttles.
  if (!state.allow(`receive:${receiveId}`, PER_TARGET_QPS, 1000)) {
    state.rateViolations.push({ key: receiveId, at: options.clock.now() });
    return call.fail(429, 99991400, 'request trigger frequency limit', { 'x-ogw-ratelimit-limit': String(PER_TARGET_QPS), 'x-ogw-ratelimit-reset': '1' });
  }
  const uuid = typeof body.uuid === 'string' && body.uuid ? body.uuid : undefined;
  if (uuid && uuid.length > 50) return call.fail(400, 99992402, 'field validation failed: uuid longer than 50');
  const now = options.clock.now();
  const previous = uuid ? state.messageByUuid.get(uuid) : undefined;
  const duplicate = previous !== undefined && now.getTime() - previous.at < UUID_WINDOW_MS;
  const messageId = duplicate ? previous!.messageId : newOpenId('om_');
  if (!duplicate) {
    state.messages.set(messageId, { messageId, chatId, msgType, content: checked.parsed, ...(parentId ? { rootId: parentId } : {}), ...(uuid ? { uuid } : {}) });
    if (uuid) state.messageByUuid.set(uuid, { messageId, at: now.getTime() });
  }
  state.sends.push({ messageId, chatId, receiveId, receiveIdType, msgType, content: checked.parsed, ...(uuid ? { uuid } : {}), duplicate, ...(parentId ? { replyTo: parentId } : {}), at: now });
  const stored = state.messages.get(messageId)!;
  call.ok({
    message_id: messageId,
    root_id: stored.rootId ?? '',
    parent_id: stored.rootId ?? '',
    msg_type: stored.msgType,
    create_time: String(now.getTime()),
    update_time: String(now.getTime()),
    deleted: false,
    updated: false,
    chat_id: stored.chatId,
    sender: { id: options.appId, id_type: 'app_id', sender_type: 'app', tenant_key: 'fake-tenant' },
    body: { content: JSON.stringify(stored.content) },
  });
}

function editMessage(state: FakeFeishuState, call: FakeCall, messageId: string): void {
  const message = state.messages.get(messageId);
  if (!message) return call.fail(400, 230001, 'invalid message_id');
  const patch = call.method === 'PATCH';
  const msgType = patch ? 'interactive' : String(call.body.msg_type ?? '');
  if (patch && message.msgType !== 'interactive') return call.fail(400, 230001, 'only card messages can be patched');
  if (!patch && (!['text', 'post'].includes(msgType) || message.msgType !== msgType)) return call.fail(400, 230001, 'only text and post can be edited, keeping their msg_type');
  const checked = checkContent(msgType, call.body.content);
  if ('refusal' in checked) return call.fail(400, checked.code, checked.refusal);
  message.content = checked.parsed;
  state.edits.push({ messageId, method: patch ? 'PATCH' : 'PUT', body: call.body, content: checked.parsed });
  call.ok({});
}

function urgent(state: FakeFeishuState, call: FakeCall, options: ImOptions, messageId: string, level: 'app' | 'sms' | 'phone'): void {
  if (!state.messages.has(messageId)) return call.fail(400, 230001, 'invalid message_id');
  const userIdType = call.query.get('user_id_type') ?? '';
  if (!USER_ID_TYPES.has(userIdType)) return call.fail(400, 99992402, 'field validation failed: user_id_type is required');
  const ids = Array.isArray(call.body.user_id_list) ? call.body.user_id_list.map(String) : [];
  if (!ids.length) return call.fail(400, 99992402, 'field validation failed: user_id_list');
  const invalid = ids.filter((id) => !idFitsType(id, userIdType) || options.invalidUserIds.has(id));
  state.urgents.push({ messageId, level, userIdType, userIds: ids.filter((id) => !invalid.includes(id)), invalidUserIds: invalid });
  call.ok({ invalid_user_id_list: invalid });
}

/**
 * POST /open-apis/im/v1/pins: the message must exist and its group chat still be there. A message
 * already pinned is answered as documented, with its existing pin (code 0), and pinned only once.
 * [U] 230001 for an unknown message_id follows the other message routes here; 230045 (chat gone)
 * and 230047 (over 5 QPS on one message) are the codes Feishu documents for its pin routes.
 */
function pin(state: FakeFeishuState, call: FakeCall, options: ImOptions): void {
  const messageId = typeof call.body.message_id === 'string' ? call.body.message_id : '';
  if (!messageId) return call.fail(400, 99992402, 'field validation failed: message_id');
  const message = state.messages.get(messageId);
  if (!message) return call.fail(400, 230001, 'invalid message_id');
  const chat = state.chats.get(message.chatId);
  if (chat && chat.status !== 'normal') return call.fail(400, 230045, 'The chat not exist.');
  if (!state.allow(`pin:${messageId}`, PIN_QPS_PER_MESSAGE, 1000)) return call.fail(400, 230047, 'Pin/Unpin message trigger message_id limit.');
  let existing = state.pins.get(messageId);
  if (!existing) {
    existing = { messageId, chatId: message.chatId, operatorId: options.appId, operatorIdType: 'app_id', createTime: String(options.clock.now().getTime()) };
    state.pins.set(messageId, existing);
  }
  call.ok({
    pin: { message_id: existing.messageId, chat_id: existing.chatId, operator_id: existing.operatorId, operator_id_type: existing.operatorIdType, create_time: existing.createTime },
  });
}

function createChat(state: FakeFeishuState, call: FakeCall, options: ImOptions): void {
  const userIdType = call.query.get('user_id_type') ?? 'open_id';
  const uuid = call.query.get('uuid') ?? undefined;
  const existing = uuid ? state.chatByUuid.get(uuid) : undefined;
  const ids = Array.isArray(call.body.user_id_list) ? call.body.user_id_list.map(String) : [];
  if (ids.length > 50) return call.fail(400, 232003, 'too many users in user_id_list');
  const ownerId = typeof call.body.owner_id === 'string' ? call.body.owner_id : undefined;
  if (ownerId && (!idFitsType(ownerId, userIdType) || options.invalidUserIds.has(ownerId))) return call.fail(400, 232025, 'invalid owner_id');
  const chatId = existing ?? newOpenId('oc_');
  if (!existing) {
    const members = ids.filter((id) => idFitsType(id, userIdType) && !options.invalidUserIds.has(id));
    state.chats.set(chatId, {
      chatId,
      name: String(call.body.name ?? ''),
      description: String(call.body.description ?? ''),
      ...(ownerId ? { ownerId } : {}),
      members: [...new Set([...(ownerId ? [ownerId] : []), ...members])],
      status: 'normal',
      ...(uuid ? { uuid } : {}),
    });
    if (uuid) state.chatByUuid.set(uuid, chatId);
  }
  const c = state.chats.get(chatId)!;
  call.ok({ chat_id: chatId, name: c.name, description: c.description, owner_id: c.ownerId ?? options.appId, owner_id_type: c.ownerId ? userIdType : 'app_id', chat_mode: 'group', chat_type: 'private', external: false });
}

function chat(state: FakeFeishuState, call: FakeCall, chatId: string): void {
  const c = state.chats.get(chatId);
  if (!c) return call.fail(400, 232011, 'chat not found');
  if (call.method === 'GET') {
    return call.ok({ name: c.name, description: c.description, owner_id: c.ownerId ?? '', chat_status: c.status, user_count: String(c.members.length) });
  }
  if (c.status !== 'normal') return call.fail(400, 232011, 'chat has been dissolved');
  if (call.method === 'DELETE') {
    c.status = 'dissolved';
    return call.ok({});
  }
  if (typeof call.body.name === 'string') c.name = call.body.name;
  if (typeof call.body.description === 'string') c.description = call.body.description;
  if (typeof call.body.owner_id === 'string') c.ownerId = call.body.owner_id;
  call.ok({});
}

/**
 * Loop turns a held member call waits after its hold time, so a second call already on its way
 * is seen. Client and fake share one event loop: a stalled process (a loaded CI machine) delays
 * the second request and the hold's timer alike, and counting turns rather than milliseconds
 * keeps "two concurrent calls overlap" true however slow the machine is. Costs ~1 ms when idle.
 */
const MEMBER_HOLD_TURNS = 100;

/**
 * Member calls are held, so two overlapping calls on one chat are caught (232019): a call is held
 * until a second member call on the same chat arrives (which is refused with 232019, and releases
 * the first at once) or, failing that, for memberHoldMs and MEMBER_HOLD_TURNS more loop turns.
 * A serialised caller sends its next call only after this answer, so it never overlaps.
 */
function members(state: FakeFeishuState, call: FakeCall, options: ImOptions, chatId: string): void {
  const op = call.method === 'POST' ? 'add' : 'remove';
  const memberIdType = call.query.get('member_id_type') ?? 'open_id';
  const ids = Array.isArray(call.body.id_list) ? call.body.id_list.map(String) : [];
  const c = state.chats.get(chatId);
  if (!c || c.status !== 'normal') return call.fail(400, 232011, 'chat not found');
  if (!ids.length) return call.fail(400, 99992402, 'field validation failed: id_list');
  if (ids.length > 50) return call.fail(400, 232003, 'at most 50 users per call');
  const held = state.memberHolds.get(chatId);
  if (held) {
    state.memberCalls.push({ chatId, op, memberIdType, ids, code: 232019 });
    call.fail(400, 232019, 'The request you send is not processed in order, please retry.');
    // The overlap is caught; nothing is gained by keeping the first call waiting.
    return held();
  }
  const apply = () => {
    const invalid = ids.filter((id) => !idFitsType(id, memberIdType) || options.invalidUserIds.has(id));
    const valid = ids.filter((id) => !invalid.includes(id));
    c.members = op === 'add' ? [...new Set([...c.members, ...valid])] : c.members.filter((id) => !valid.includes(id));
    state.memberCalls.push({ chatId, op, memberIdType, ids, code: 0 });
    call.ok(op === 'add' ? { invalid_id_list: invalid, not_existed_id_list: [], pending_approval_id_list: [] } : { invalid_id_list: invalid });
  };
  let released = false;
  let timer: NodeJS.Timeout | undefined;
  let turn: NodeJS.Immediate | undefined;
  const release = () => {
    if (released) return;
    released = true;
    clearTimeout(timer);
    if (turn) clearImmediate(turn);
    if (state.memberHolds.get(chatId) === release) state.memberHolds.delete(chatId);
    apply();
  };
  state.memberHolds.set(chatId, release);
  timer = setTimeout(() => {
    let left = MEMBER_HOLD_TURNS;
    const spin = () => {
      if (left-- <= 0) return release();
      turn = setImmediate(spin);
    };
    spin();
  }, options.memberHoldMs);
}

function batchGetId(state: FakeFeishuState, call: FakeCall, options: ImOptions): void {
  const userIdType = call.query.get('user_id_type') ?? 'open_id';
  const emails = Array.isArray(call.body.emails) ? call.body.emails.map(String) : [];
  const mobiles = Array.isArray(call.body.mobiles) ? call.body.mobiles.map(String) : [];
  if (emails.length > 50 || mobiles.length > 50) return call.fail(400, 99992402, 'at most 50 emails and 50 mobiles');
  state.lookups.push({ emails, mobiles });
  const includeResigned = call.body.include_resigned === true;
  const idOf = (u: FakeFeishuUser) => (userIdType === 'user_id' ? u.userId : userIdType === 'union_id' ? u.unionId : u.openId);
  const entry = (u: FakeFeishuUser | undefined, key: Record<string, string>) => {
    if (!u) return key;
    const status = { is_frozen: Boolean(u.frozen), is_resigned: Boolean(u.resigned), is_activated: !u.resigned, is_exited: false, is_unjoin: false };
    // [U] Resigned people come back without a user_id unless include_resigned is set.
    return u.resigned && !includeResigned ? key : { ...key, user_id: idOf(u), status };
  };
  const directory = options.directory();
  call.ok({
    user_list: [
      ...emails.map((email) => entry(directory.find((u) => u.email?.toLowerCase() === email.toLowerCase()), { email })),
      ...mobiles.map((mobile) => entry(directory.find((u) => u.mobile === mobile), { mobile })),
    ],
  });
}

function cardUpdate(state: FakeFeishuState, call: FakeCall): void {
  const { token, card } = call.body;
  if (typeof token !== 'string' || !token) return call.fail(400, 99992402, 'field validation failed: token');
  if (!card || typeof card !== 'object') return call.fail(400, 99992402, 'field validation failed: card');
  state.cardUpdates.push({ token, card });
  call.ok({});
}
