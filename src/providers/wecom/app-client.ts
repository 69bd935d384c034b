import type { Clock } from '../../kernel/index.js';
import { createAccessTokenSource } from './access-token.js';
import type { WecomAppConfig } from './config.js';
import { CHATID_EXISTS_ERRCODE, TOKEN_ERRCODES, USER_NOT_FOUND_ERRCODES, expectOk, requestWecomJson, type WecomReply } from './errors.js';
import type { WecomMessage } from './render.js';

/** WeCom's own duplicate check: the same request JSON within this window is delivered once. */
export const DUPLICATE_CHECK_INTERVAL_SEC = 1800;

export interface AppchatInfo {
  chatid: string;
  name: string;
  owner: string;
  userlist: string[];
}

export interface AppchatUpdate {
  chatid: string;
  name?: string;
  owner?: string;
  add_user_list?: string[];
  del_user_list?: string[];
}

/** The self-built app's HTTP API, typed. Each method throws Retryable/Permanent errors only. */
export interface WecomAppClient {
  /** POST /cgi-bin/message/send; `invalidUsers` lists recipients WeCom did not know. */
  sendMessage(touser: string[], message: WecomMessage): Promise<{ msgid?: string; invalidUsers: string[] }>;
  /** POST /cgi-bin/appchat/create; `existed` when the chatid was already taken (86215). */
  createAppchat(chat: { chatid: string; name: string; owner?: string; userlist: string[] }): Promise<{ chatid: string; existed: boolean }>;
  /** POST /cgi-bin/appchat/update: rename, change owner, add or remove members. */
  updateAppchat(update: AppchatUpdate): Promise<void>;
  /** GET /cgi-bin/appchat/get?chatid= */
  getAppchat(chatid: string): Promise<AppchatInfo>;
  /** POST /cgi-bin/appchat/send */
  sendToAppchat(chatid: string, message: WecomMessage): Promise<{ msgid?: string }>;
  /** POST /cgi-bin/user/getuserid {mobile}; null when WeCom does not know the number. */
  userIdByMobile(mobile: string): Promise<string | null>;
  /** POST /cgi-bin/user/get_userid_by_email {email, email_type: 1 corporate | 2 personal}. */
  userIdByEmail(email: string, emailType: 1 | 2): Promise<string | null>;
}

export function createWecomAppClient(app: WecomAppConfig, options: { timeoutMs: number; clock: Clock }): WecomAppClient {
  const tokens = createAccessTokenSource({
    baseUrl: app.base_url,
    corpId: app.corp_id,
    corpSecret: app.corp_secret,
    timeoutMs: options.timeoutMs,
    clock: options.clock,
  });
  const host = new URL(app.base_url).host;

  /**
   * One API call with the cached token. A token WeCom calls invalid or expired is dropped and the
   * call is made once more with a fresh one; a second refusal is final (expectOk makes it permanent).
   */
  const call = async (
    method: 'GET' | 'POST',
    path: string,
    request: { query?: Record<string, string>; body?: unknown },
    accept: ReadonlySet<number> = new Set(),
  ): Promise<WecomReply> => {
    for (let attempt = 0; ; attempt += 1) {
      const token = await tokens.get();
      const url = new URL(`${app.base_url}${path}`);
      for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
      url.searchParams.set('access_token', token);
      const reply = await requestWecomJson(url, { method, body: request.body }, options.timeoutMs);
      if (attempt === 0 && TOKEN_ERRCODES.has(reply.errcode ?? 0)) {
        tokens.invalidate(token);
        continue;
      }
      expectOk(`${host}${path}`, reply, [app.corp_secret, token], accept);
      return reply;
    }
  };
  const msgidOf = (reply: WecomReply) => (typeof reply.msgid === 'string' && reply.msgid !== '' ? { msgid: reply.msgid } : {});
  const userIdOf = (reply: WecomReply) => (typeof reply.userid === 'string' && reply.userid !== '' ? reply.userid : null);

  return {
    async sendMessage(touser, message) {
      const body = {
        touser: touser.join('|'),
        agentid: app.agent_id,
        ...message,
        enable_duplicate_check: 1,
        duplicate_check_interval: DUPLICATE_CHECK_INTERVAL_SEC,
      };
      const reply = await call('POST', '/cgi-bin/message/send', { body });
      const invalid = typeof reply.invaliduser === 'string' ? reply.invaliduser.split('|').filter(Boolean) : [];
      return { ...msgidOf(reply), invalidUsers: invalid };
    },
    async createAppchat(chat) {
      const reply = await call('POST', '/cgi-bin/appchat/create', { body: chat }, new Set([CHATID_EXISTS_ERRCODE]));
      const existed = reply.errcode === CHATID_EXISTS_ERRCODE;
      return { chatid: typeof reply.chatid === 'string' && reply.chatid !== '' ? reply.chatid : chat.chatid, existed };
    },
    async updateAppchat(update) {
      await call('POST', '/cgi-bin/appchat/update', { body: update });
    },
    async getAppchat(chatid) {
      const reply = await call('GET', '/cgi-bin/appchat/get', { query: { chatid } });
      const info = (reply.chat_info ?? {}) as Partial<AppchatInfo>;
      return { chatid, name: info.name ?? '', owner: info.owner ?? '', userlist: Array.isArray(info.userlist) ? info.userlist : [] };
    },
    async sendToAppchat(chatid, message) {
      return msgidOf(await call('POST', '/cgi-bin/appchat/send', { body: { chatid, ...message, safe: 0 } }));
    },
    async userIdByMobile(mobile) {
      return userIdOf(await call('POST', '/cgi-bin/user/getuserid', { body: { mobile } }, USER_NOT_FOUND_ERRCODES));
    },
    async userIdByEmail(email, emailType) {
      return userIdOf(await call('POST', '/cgi-bin/user/get_userid_by_email', { body: { email, email_type: emailType } }, USER_NOT_FOUND_ERRCODES));
    },
  };
}
