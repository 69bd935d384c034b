import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../../kernel/index.js';
import { sendJson, startHttpFakeServer, type HttpFakeServer } from './http-fake-server.js';
import { recordOf, type RecordedRequest, type RequestListener } from './recorded-request.js';

export interface FakeWecomOptions {
  /** Robot webhook keys the fake knows; any other key answers errcode 93000. */
  robots?: Record<string, Record<string, never>>;
  app?: { corpId: string; corpSecret: string; agentId: number };
  /** The corp directory, by userid: what getuserid / get_userid_by_email find and who may be messaged. */
  users?: Record<string, { mobile?: string; email?: string; personalEmail?: string }>;
  onRequest?: RequestListener;
  clock?: Clock;
  /** A fixed port (warroom dev-chat); a random one by default. */
  port?: number;
}

export interface FakeRobotMessage {
  key: string;
  /** What the provider named the post (x-warroom-message-id), and its idempotency key header. */
  messageId?: string;
  idempotencyKey?: string;
  msgtype: string;
  body: Record<string, unknown>;
  at: Date;
}
export interface FakeAppMessage {
  msgid: string;
  touser: string[];
  msgtype: string;
  body: Record<string, unknown>;
  /** WeCom's duplicate check: the same request JSON within duplicate_check_interval is not delivered again. */
  duplicate: boolean;
  at: Date;
}
export interface FakeChat {
  chatid: string;
  name: string;
  owner: string;
  userlist: string[];
  messages: { msgtype: string; body: Record<string, unknown>; at: Date }[];
}
/** Faults hit the next request, or the next one to `path` (e.g. '/cgi-bin/message/send'). */
export interface FaultTarget {
  path?: string;
}
export interface CallbackSecrets {
  token: string;
  encodingAesKey: string;
  corpId: string;
}
export interface CallbackOptions extends CallbackSecrets {
  timestamp?: number;
  nonce?: string;
  /** signature: a wrong msg_signature; ciphertext: Encrypt altered after signing. */
  tamper?: 'signature' | 'ciphertext';
}

type Json = Record<string, unknown>;
type Fault = { kind: 'errcode'; errcode: number; errmsg: string } | { kind: 'status'; status: number } | { kind: 'hang' };

const ROBOT_PER_MINUTE = 20;
const CHATID = /^[0-9a-zA-Z]{1,32}$/;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStringList = (value: unknown) => Array.isArray(value) && value.every((v) => typeof v === 'string');
const bytes = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);

/**
 * A local stand-in for WeCom's documented HTTP API (qyapi.weixin.qq.com): group robot webhooks
 * (91770) with their 20/min limit, gettoken, app messages (90236) with the duplicate check,
 * appchat (90245–90248) and the userid lookups. Like WeCom it answers errors as HTTP 200 with
 * {errcode, errmsg}. It also builds signed, encrypted callbacks as WeCom would send them, written
 * out here rather than imported so the fake checks the provider instead of agreeing with it.
 */
export async function startFakeWecom(options: FakeWecomOptions = {}) {
  const clock = options.clock ?? systemClock;
  const robotKeys = new Set(Object.keys(options.robots ?? {}));
  const users = options.users;
  const fresh = () => ({
    faults: [] as { fault: Fault; path?: string }[],
    requests: [] as RecordedRequest[],
    robotMessages: [] as FakeRobotMessage[],
    appMessages: [] as FakeAppMessage[],
    chats: new Map<string, FakeChat>(),
    robotWindows: new Map<string, number[]>(),
    sentBodies: new Map<string, number>(),
    tokens: new Map<string, number>(),
    violations: 0,
  });
  let state = fresh();
  let serial = 0;

  const server: HttpFakeServer = await startHttpFakeServer((req, rawBody, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    let body: unknown;
    try {
      body = rawBody.length > 0 ? JSON.parse(rawBody.toString('utf8')) : undefined;
    } catch {
      body = undefined;
    }
    const record = (status: number, refusal?: string) => {
      const entry = recordOf('wecom', req, rawBody, body, status, refusal);
      state.requests.push(entry);
      options.onRequest?.(entry);
    };
    const reply = (payload: Json, refusal?: string) => {
      record(200, refusal);
      sendJson(res, 200, payload);
    };
    const refuse = (errcode: number, errmsg: string) => reply({ errcode, errmsg }, `${errcode} ${errmsg}`);
    const ok = (extra: Json = {}) => reply({ errcode: 0, errmsg: 'ok', ...extra });
    const now = clock.now();

    const index = state.faults.findIndex((f) => f.path === undefined || f.path === path);
    const fault = index >= 0 ? state.faults.splice(index, 1)[0]!.fault : undefined;
    if (fault?.kind === 'hang') return (record(0, 'hang'), server.hang(res));
    if (fault?.kind === 'status') return (record(fault.status, 'fault'), sendJson(res, fault.status, { errcode: -1, errmsg: 'system error' }));
    if (fault?.kind === 'errcode') return refuse(fault.errcode, fault.errmsg);

    if (req.method === 'POST' && path === '/cgi-bin/webhook/send') {
      const key = url.searchParams.get('key') ?? '';
      if (!robotKeys.has(key)) return refuse(93000, 'invalid webhook url, please check');
      const problem = messageProblem(body, 4096);
      if (problem) return refuse(40058, problem);
      const recent = (state.robotWindows.get(key) ?? []).filter((at) => at > now.getTime() - 60_000);
      if (recent.length >= ROBOT_PER_MINUTE) {
        state.violations += 1;
        return refuse(45009, 'api freq out of limit');
      }
      state.robotWindows.set(key, [...recent, now.getTime()]);
      const message = body as Json;
      const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
      const messageId = header('x-warroom-message-id');
      const idempotencyKey = header('x-warroom-idempotency-key');
      state.robotMessages.push({ key, messageId, idempotencyKey, msgtype: String(message.msgtype), body: message, at: now });
      return ok();
    }

    if (req.method === 'GET' && path === '/cgi-bin/gettoken') {
      if (!options.app || url.searchParams.get('corpid') !== options.app.corpId) return refuse(40013, 'invalid corpid');
      if (url.searchParams.get('corpsecret') !== options.app.corpSecret) return refuse(40001, 'invalid credential');
      const token = `fake-wecom-token-${(serial += 1)}-${randomBytes(8).toString('hex')}`;
      state.tokens.set(token, now.getTime() + 7_200_000);
      return ok({ access_token: token, expires_in: 7200 });
    }

    if (!path.startsWith('/cgi-bin/') || !options.app) return (record(404, 'no such API'), sendJson(res, 404, { errcode: 404, errmsg: 'not found' }));
    const token = url.searchParams.get('access_token');
    if (!token) return refuse(41001, 'access_token missing');
    const expiresAt = state.tokens.get(token);
    if (expiresAt === undefined) return refuse(40014, 'invalid access_token');
    if (now.getTime() >= expiresAt) return refuse(42001, 'access_token expired');
    const input = isObject(body) ? body : {};
    const known = (id: string) => !users || id in users;
    const stringArray = (value: unknown) => (isStringList(value) ? (value as string[]) : []);

    if (req.method === 'POST' && path === '/cgi-bin/message/send') {
      if (input.agentid !== options.app.agentId) return refuse(40056, 'invalid agentid');
      const touser = typeof input.touser === 'string' ? input.touser.split('|').filter(Boolean) : [];
      const invalid = touser.filter((id) => !known(id));
      if (touser.length === 0 || invalid.length === touser.length) return refuse(81013, 'user & party & tag all invalid');
      const problem = messageProblem(input, 2048);
      if (problem) return refuse(40058, problem);
      const fingerprint = rawBody.toString('utf8');
      const interval = typeof input.duplicate_check_interval === 'number' ? input.duplicate_check_interval : 1800;
      const seen = state.sentBodies.get(fingerprint);
      const duplicate = input.enable_duplicate_check === 1 && seen !== undefined && now.getTime() - seen < interval * 1000;
      if (!duplicate) state.sentBodies.set(fingerprint, now.getTime());
      const msgid = `fake-msg-${(serial += 1)}`;
      state.appMessages.push({ msgid, touser, msgtype: String(input.msgtype), body: input, duplicate, at: now });
      return ok({ invaliduser: invalid.map((id) => id.toLowerCase()).join('|'), invalidparty: '', invalidtag: '', msgid });
    }
    if (req.method === 'POST' && path === '/cgi-bin/appchat/create') {
      const chatid = typeof input.chatid === 'string' ? input.chatid : `fakechat${(serial += 1)}`;
      if (!CHATID.test(chatid)) return refuse(chatid.length > 32 ? 86205 : 86001, 'invalid chatid');
      if (state.chats.has(chatid)) return refuse(86215, 'chatid already exists');
      const userlist = stringArray(input.userlist);
      if (userlist.length < 2 || userlist.length > 2000) return refuse(86006, 'userlist must hold 2 to 2000 members');
      if (!userlist.every(known)) return refuse(86216, 'invalid chat member');
      const owner = typeof input.owner === 'string' ? input.owner : userlist[0]!;
      if (!userlist.includes(owner)) return refuse(86207, 'owner not in userlist');
      state.chats.set(chatid, { chatid, name: Array.from(String(input.name ?? '')).slice(0, 50).join(''), owner, userlist, messages: [] });
      return ok({ chatid });
    }
    const chat = state.chats.get(String(input.chatid ?? url.searchParams.get('chatid') ?? ''));
    if (path.startsWith('/cgi-bin/appchat/') && !chat) return refuse(86003, 'chatid not found');
    if (req.method === 'POST' && path === '/cgi-bin/appchat/update' && chat) {
      const added = stringArray(input.add_user_list);
      if (!added.every(known)) return refuse(86216, 'invalid chat member');
      const removed = new Set(stringArray(input.del_user_list));
      chat.userlist = [...new Set([...chat.userlist, ...added])].filter((id) => !removed.has(id));
      if (typeof input.name === 'string') chat.name = Array.from(input.name).slice(0, 50).join('');
      if (typeof input.owner === 'string') chat.owner = input.owner;
      return ok();
    }
    if (req.method === 'GET' && path === '/cgi-bin/appchat/get' && chat) {
      return ok({ chat_info: { chatid: chat.chatid, name: chat.name, owner: chat.owner, userlist: chat.userlist } });
    }
    if (req.method === 'POST' && path === '/cgi-bin/appchat/send' && chat) {
      const problem = input.msgtype === 'template_card' ? 'appchat does not send template_card' : messageProblem(input, 2048);
      if (problem) return refuse(40058, problem);
      chat.messages.push({ msgtype: String(input.msgtype), body: input, at: now });
      return ok();
    }
    if (req.method === 'POST' && (path === '/cgi-bin/user/getuserid' || path === '/cgi-bin/user/get_userid_by_email')) {
      const match = Object.entries(users ?? {}).find(([, u]) =>
        path.endsWith('getuserid') ? u.mobile === input.mobile : (input.email_type === 2 ? u.personalEmail : u.email) === input.email,
      );
      return match ? ok({ userid: match[0] }) : refuse(46004, 'user not found');
    }
    record(404, 'no such API');
    return sendJson(res, 404, { errcode: 404, errmsg: 'not found' });
  }, { port: options.port });

  const push = (fault: Fault, target: FaultTarget = {}) => state.faults.push({ fault, ...(target.path ? { path: target.path } : {}) });
  return {
    url: server.url,
    robotUrl: (key: string) => `${server.url}/cgi-bin/webhook/send?key=${encodeURIComponent(key)}`,
    get requests(): RecordedRequest[] {
      return [...state.requests];
    },
    robotMessages: (key?: string) => state.robotMessages.filter((m) => key === undefined || m.key === key),
    appMessages: () => [...state.appMessages],
    chats: () => [...state.chats.values()].map((c) => ({ ...c, userlist: [...c.userlist], messages: [...c.messages] })),
    /** Tokens the fake handed out, so tests can check none leaks. */
    issuedTokens: () => [...state.tokens.keys()],
    /** Every token handed out so far now answers 42001 (access_token expired). */
    expireTokens: () => {
      for (const token of state.tokens.keys()) state.tokens.set(token, 0);
    },
    rateViolations: () => state.violations,
    /** WeCom's throttle: HTTP 200 with errcode 45009. It gives no retry hint. */
    throttleNext: (target?: FaultTarget) => push({ kind: 'errcode', errcode: 45009, errmsg: 'api freq out of limit' }, target),
    serverErrorNext: (target?: FaultTarget) => push({ kind: 'status', status: 503 }, target),
    rejectNext: (target?: FaultTarget) => push({ kind: 'errcode', errcode: 40058, errmsg: 'invalid parameter' }, target),
    /** A business error of your choice, e.g. -1 (system busy). */
    errcodeNext: (errcode: number, errmsg = 'error', target?: FaultTarget) => push({ kind: 'errcode', errcode, errmsg }, target),
    hangNext: (target?: FaultTarget) => push({ kind: 'hang' }, target),
    encryptedCallback,
    verifyUrl,
    reset: () => {
      server.releaseHung();
      state = fresh();
    },
    close: () => server.close(),
  };
}

export type FakeWecom = Awaited<ReturnType<typeof startFakeWecom>>;

/** Why WeCom would refuse this message body, or null. Limits from documents 91770 and 90236. */
function messageProblem(body: unknown, markdownMaxBytes: number): string | null {
  if (!isObject(body)) return 'body must be a JSON object';
  const content = isObject(body[String(body.msgtype)]) ? (body[String(body.msgtype)] as Json) : undefined;
  if (!content) return `${String(body.msgtype)} content is missing`;
  if (body.msgtype === 'text') {
    if (typeof content.content !== 'string' || content.content === '') return 'text.content is required';
    if (bytes(content.content) > 2048) return 'text.content exceed max length 2048';
    if (content.mentioned_list !== undefined && !isStringList(content.mentioned_list)) return 'text.mentioned_list must be an array of strings';
    if (content.mentioned_mobile_list !== undefined && !isStringList(content.mentioned_mobile_list)) {
      return 'text.mentioned_mobile_list must be an array of strings';
    }
    return null;
  }
  if (body.msgtype === 'markdown') {
    if (typeof content.content !== 'string' || content.content === '') return 'markdown.content is required';
    return bytes(content.content) > markdownMaxBytes ? `markdown.content exceed max length ${markdownMaxBytes}` : null;
  }
  if (body.msgtype === 'template_card') return cardProblem(content);
  return `invalid message type ${String(body.msgtype)}`;
}

function cardProblem(card: Json): string | null {
  if (card.card_type !== 'text_notice') return 'template_card.card_type must be text_notice';
  const action = card.card_action;
  const linked = isObject(action) && action.type === 1 && typeof action.url === 'string' && action.url !== '';
  const miniProgram = isObject(action) && action.type === 2 && typeof action.appid === 'string';
  if (!linked && !miniProgram) return 'template_card.card_action is required for text_notice';
  const title = isObject(card.main_title) ? card.main_title.title : undefined;
  const hasTitle = (typeof title === 'string' && title !== '') || (typeof card.sub_title_text === 'string' && card.sub_title_text !== '');
  if (!hasTitle) return 'main_title.title or sub_title_text is required';
  const fields = card.horizontal_content_list ?? [];
  if (!Array.isArray(fields) || fields.length > 6) return 'horizontal_content_list holds at most 6 items';
  if (!fields.every((f) => isObject(f) && typeof f.keyname === 'string' && f.keyname !== '')) return 'horizontal_content_list.keyname is required';
  const jumps = card.jump_list ?? [];
  if (!Array.isArray(jumps) || jumps.length > 3) return 'jump_list holds at most 3 items';
  const jumpsOk = jumps.every((j) => isObject(j) && typeof j.title === 'string' && (j.type !== 1 || typeof j.url === 'string'));
  if (!jumpsOk) return 'jump_list items need a title (and a url for type 1)';
  return null;
}

/** What WeCom POSTs to an app's callback URL: the query to sign with and the XML body. */
export function encryptedCallback(xml: string, options: CallbackOptions & { agentId?: number }) {
  const timestamp = String(options.timestamp ?? Math.floor(systemClock.now().getTime() / 1000));
  const nonce = options.nonce ?? randomBytes(6).toString('hex');
  const encrypt = encryptForCallback(xml, options);
  const signature = callbackSignature(options.token, timestamp, nonce, encrypt);
  const sent = options.tamper === 'ciphertext' ? flipBase64(encrypt) : encrypt;
  const body =
    `<xml><ToUserName><![CDATA[${options.corpId}]]></ToUserName><Encrypt><![CDATA[${sent}]]></Encrypt>` +
    `<AgentID><![CDATA[${options.agentId ?? 1000002}]]></AgentID></xml>`;
  const msgSignature = options.tamper === 'signature' ? flipHex(signature) : signature;
  return { query: { msg_signature: msgSignature, timestamp, nonce }, body, rawBody: Buffer.from(body, 'utf8') };
}

/** WeCom's GET URL verification: the query it sends and the echo it expects back in plain text. */
export function verifyUrl(options: CallbackOptions & { echo?: string }) {
  const echo = options.echo ?? randomBytes(9).toString('hex');
  const timestamp = String(options.timestamp ?? Math.floor(systemClock.now().getTime() / 1000));
  const nonce = options.nonce ?? randomBytes(6).toString('hex');
  const echostr = encryptForCallback(echo, options);
  const signature = callbackSignature(options.token, timestamp, nonce, echostr);
  const msgSignature = options.tamper === 'signature' ? flipHex(signature) : signature;
  return { query: { msg_signature: msgSignature, timestamp, nonce, echostr }, echo };
}

function encryptForCallback(message: string, secrets: CallbackSecrets): string {
  const key = Buffer.from(`${secrets.encodingAesKey}=`, 'base64');
  const text = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(text.length);
  const plain = Buffer.concat([randomBytes(16), length, text, Buffer.from(secrets.corpId, 'utf8')]);
  const pad = 32 - (plain.length % 32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
}

function callbackSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypt].sort().join('')).digest('hex');
}

const flipHex = (hex: string) => `${hex[0] === 'a' ? 'b' : 'a'}${hex.slice(1)}`;
const flipBase64 = (text: string) => `${text[0] === 'A' ? 'B' : 'A'}${text.slice(1)}`;
