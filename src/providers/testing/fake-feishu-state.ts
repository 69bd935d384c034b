import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../kernel/index.js';

/** A person the fake's contact directory knows (for batch_get_id and id validation). */
export interface FakeFeishuUser {
  openId: string;
  userId?: string;
  unionId?: string;
  email?: string;
  mobile?: string;
  resigned?: boolean;
  frozen?: boolean;
}

/** A custom bot the fake serves at /open-apis/bot/v2/hook/<token>. */
export interface FakeFeishuRobot {
  secret?: string;
  keyword?: string;
}

export interface FakeFeishuMessage {
  messageId: string;
  chatId: string;
  msgType: string;
  /** The content as last set, parsed from its JSON string. */
  content: unknown;
  rootId?: string;
  uuid?: string;
}

/** One accepted create or reply call; a uuid repeat is accepted again with `duplicate: true`. */
export interface FakeFeishuSend {
  messageId: string;
  chatId: string;
  receiveId: string;
  receiveIdType: string;
  msgType: string;
  content: unknown;
  uuid?: string;
  duplicate: boolean;
  replyTo?: string;
  at: Date;
}

export interface FakeFeishuEdit {
  messageId: string;
  method: 'PATCH' | 'PUT';
  /** The request body exactly as received, parsed. */
  body: unknown;
  content: unknown;
}

export interface FakeFeishuUrgent {
  messageId: string;
  level: 'app' | 'sms' | 'phone';
  userIdType: string;
  userIds: string[];
  invalidUserIds: string[];
}

/** A message pinned in its chat (POST /open-apis/im/v1/pins); one per message however often it is pinned. */
export interface FakeFeishuPin {
  messageId: string;
  chatId: string;
  operatorId: string;
  operatorIdType: 'app_id';
  /** Milliseconds, as a string, as Feishu answers it. */
  createTime: string;
}

export interface FakeFeishuChat {
  chatId: string;
  name: string;
  description: string;
  ownerId?: string;
  members: string[];
  status: 'normal' | 'dissolved';
  uuid?: string;
}

export interface FakeFeishuMemberCall {
  chatId: string;
  op: 'add' | 'remove';
  memberIdType: string;
  ids: string[];
  /** 0 when applied; 232019 when it overlapped another member call on the same chat. */
  code: number;
}

export interface FakeFeishuBotMessage {
  robot: string;
  /** X-Request-Id when the caller sent one, else made up by the fake. */
  messageId: string;
  msgType: string;
  body: unknown;
  at: Date;
}

export interface FakeRateViolation {
  key: string;
  at: Date;
}

/** Everything the fake remembers between requests; reset() replaces it whole. */
export class FakeFeishuState {
  tokens = new Set<string>();
  messages = new Map<string, FakeFeishuMessage>();
  sends: FakeFeishuSend[] = [];
  edits: FakeFeishuEdit[] = [];
  urgents: FakeFeishuUrgent[] = [];
  pins = new Map<string, FakeFeishuPin>();
  chats = new Map<string, FakeFeishuChat>();
  chatByUuid = new Map<string, string>();
  messageByUuid = new Map<string, { messageId: string; at: number }>();
  memberCalls: FakeFeishuMemberCall[] = [];
  /** Per chat, the release of the member call being held (see members() in fake-feishu-im.ts). */
  memberHolds = new Map<string, () => void>();
  lookups: { emails: string[]; mobiles: string[] }[] = [];
  cardUpdates: { token: string; card: unknown }[] = [];
  botMessages: FakeFeishuBotMessage[] = [];
  rateViolations: FakeRateViolation[] = [];
  private hits = new Map<string, number[]>();

  constructor(readonly clock: Clock) {}

  /** Sliding-window limiter: true when this hit is within `limit` per `windowMs` for the key. */
  allow(key: string, limit: number, windowMs: number): boolean {
    const now = this.clock.now().getTime();
    const recent = (this.hits.get(key) ?? []).filter((t) => now - t < windowMs);
    const ok = recent.length < limit;
    if (ok) recent.push(now);
    this.hits.set(key, recent);
    return ok;
  }
}

export const newOpenId = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

/** The 1:1 chat between the bot and a person: stable per person, as in Feishu. */
export const p2pChatIdOf = (receiveId: string) => `oc_p2p${createHash('sha1').update(receiveId).digest('hex').slice(0, 26)}`;

/** Which ids a Feishu id type accepts: open ids start ou_, union ids on_, user ids are anything else. */
export function idFitsType(id: string, type: string): boolean {
  if (type === 'open_id') return /^ou_[A-Za-z0-9_]+$/.test(id);
  if (type === 'union_id') return /^on_[A-Za-z0-9_]+$/.test(id);
  if (type === 'user_id') return /^[A-Za-z0-9_.-]+$/.test(id) && !/^o[nuc]_/.test(id);
  if (type === 'app_id') return /^cli_[A-Za-z0-9]+$/.test(id);
  return false;
}

/** One request as a route handler sees it, with the ways to answer it (each records the request). */
export interface FakeCall {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The JSON body when it parsed to an object, else {}. */
  body: Record<string, unknown>;
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
  /** 200 `{code: 0, msg: 'success', data}`. */
  ok(data: unknown): void;
  /** A Feishu error body `{code, msg, error: {log_id}}`, recorded with `msg` as the refusal. */
  fail(status: number, code: number, msg: string, headers?: Record<string, string>): void;
  send(status: number, body: unknown, headers?: Record<string, string>, refusal?: string): void;
}
