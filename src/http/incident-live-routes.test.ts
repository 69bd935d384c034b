import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RESPONDER_TOKEN, VIEWER_TOKEN, startTestApp, type TestApp } from '../../test/helpers/test-app.js';
import { SESSION_COOKIE, createWebSession } from '../domain/access/index.js';
import { LIVE_CLOSE } from './live-socket.js';

// The whole app as `warroom serve` runs it (cookie plugin, websocket plugin, both live routes); no
// worker, so the only timeline events are the ones these tests cause.
let h: TestApp;
let wsBase: string;
let cookie: string;
const clients: Client[] = [];

beforeAll(async () => {
  h = await startTestApp({ worker: false });
  wsBase = h.url.replace(/^http/, 'ws');
  const session = await createWebSession(h.db.db, { userId: 'bob', now: new Date(), ip: null, userAgent: 'vitest' });
  cookie = `${SESSION_COOKIE}=${session.secret}`;
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(async () => h?.close());

type Message = { type: string; [key: string]: unknown };

class Client {
  readonly messages: Message[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)) as Message);
      for (const wake of this.waiters.splice(0)) wake();
    });
    ws.on('error', () => {});
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
    void this.closed.then(() => {
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  async next(what: string, accept: (m: Message) => boolean, timeoutMs = 5_000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(accept);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0 || this.ws.readyState === WebSocket.CLOSED) throw new Error(`no ${what} within ${timeoutMs}ms; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  hello() {
    return this.next('hello', (m) => m.type === 'hello');
  }

  event(ref: string, kind: string) {
    return this.next(`${kind} of ${ref}`, (m) => m.type === 'incident' && m.ref === ref && m.kind === kind);
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
    else this.ws.close();
    await this.closed;
  }
}

function connect(path: string, headers: Record<string, string> = {}): Client {
  const client = new Client(new WebSocket(`${wsBase}${path}`, { headers }));
  clients.push(client);
  return client;
}

async function declare(title: string): Promise<{ id: string; ref: string }> {
  const reply = await h.request('POST', '/api/v1/incidents', { token: RESPONDER_TOKEN, body: { title, severity: 'P2', service_id: 'checkout' } });
  expect(reply.status).toBe(201);
  return { id: reply.body.id, ref: reply.body.ref };
}

const lastEventId = async () => Number((await h.db.db.selectFrom('incident_events').select((eb) => eb.fn.max('id').as('max')).executeTakeFirstOrThrow()).max ?? 0);

describe('GET /api/v1/live', () => {
  it('says hello with the newest event id, then pushes every change with the incident as it is now', async () => {
    const before = await declare('Before connecting');
    const client = connect(`/api/v1/live?token=${VIEWER_TOKEN}`);
    const hello = await client.hello();
    expect(hello).toEqual({ type: 'hello', cursor: await lastEventId() });

    const incident = await declare('Checkout is slow');
    const declared = await client.event(incident.ref, 'incident.declared');
    expect(declared).toEqual({
      type: 'incident', event_id: expect.any(Number), incident_id: incident.id, ref: incident.ref, kind: 'incident.declared',
      severity: 'P2', status: 'triggered', title: 'Checkout is slow', service_id: 'checkout', at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
    });
    expect(declared.event_id).toBeGreaterThan(hello.cursor as number);

    expect((await h.request('POST', `/api/v1/incidents/${incident.ref}/acknowledge`, { token: RESPONDER_TOKEN, body: {} })).status).toBe(200);
    expect(await client.event(incident.ref, 'status.acknowledged')).toMatchObject({ status: 'acknowledged' });
    // Nothing from before the hello.
    expect(client.messages.some((m) => m.ref === before.ref)).toBe(false);
  });

  it('resumes with after= without gaps or duplicates, then goes on live', async () => {
    const first = await declare('First');
    const after = await lastEventId();
    const missed = [await declare('Missed one'), await declare('Missed two')];
    const client = connect(`/api/v1/live?token=${VIEWER_TOKEN}&after=${after}`);
    expect(await client.hello()).toEqual({ type: 'hello', cursor: after });
    for (const m of missed) await client.event(m.ref, 'incident.declared');
    const live = await declare('Live again');
    await client.event(live.ref, 'incident.declared');
    const ids = client.messages.filter((m) => m.type === 'incident').map((m) => m.event_id as number);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id > after)).toBe(true);
    expect(client.messages.filter((m) => m.type === 'incident').map((m) => m.ref)).toEqual([...missed.map((m) => m.ref), live.ref]);
    expect(client.messages.some((m) => m.ref === first.ref)).toBe(false);
  });

  it('accepts the token in the Authorization header', async () => {
    const client = connect('/api/v1/live', { authorization: `Bearer ${VIEWER_TOKEN}` });
    expect((await client.hello()).type).toBe('hello');
  });

  it('closes with 4401 for a missing or unknown token, before sending anything', async () => {
    const unknown = connect('/api/v1/live?token=not-a-real-token-0001');
    const missing = connect('/api/v1/live');
    const expired = connect('/api/v1/live', { cookie: `${SESSION_COOKIE}=no-such-session` });
    for (const client of [unknown, missing, expired]) {
      expect((await client.closed).code).toBe(LIVE_CLOSE.unauthorized);
      expect(client.messages).toEqual([]);
    }
    expect((await unknown.closed).reason).toContain('unknown or revoked');
    expect((await missing.closed).reason).toContain('?token=');
    expect((await expired.closed).reason).toContain('sign in again');
  });

  it('accepts the session cookie from the same origin, and refuses it (4403) from another site', async () => {
    const same = connect('/api/v1/live', { cookie, origin: h.url });
    expect((await same.hello()).type).toBe('hello');
    const noOrigin = connect('/api/v1/live', { cookie });
    expect((await noOrigin.hello()).type).toBe('hello');

    const foreign = connect('/api/v1/live', { cookie, origin: 'https://evil.example' });
    const closed = await foreign.closed;
    expect(closed.code).toBe(LIVE_CLOSE.forbidden);
    expect(closed.reason).toContain('another site');
    expect(foreign.messages).toEqual([]);
    // A token proves itself wherever the page came from.
    const withToken = connect(`/api/v1/live?token=${VIEWER_TOKEN}`, { cookie, origin: 'https://tools.example' });
    expect((await withToken.hello()).type).toBe('hello');
  });

  it('answers an invalid after= with 400 instead of upgrading', async () => {
    const ws = new WebSocket(`${wsBase}/api/v1/live?token=${VIEWER_TOKEN}&after=-1`);
    // terminate() before the upgrade reports an error; it is the expected end here.
    ws.on('error', () => {});
    const status = await new Promise<number>((resolve) => ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(400);
    ws.terminate();
  });
});

describe('the room live socket with the session cookie', () => {
  it('streams to a same-origin cookie and refuses a foreign Origin', async () => {
    const incident = await declare('Room over cookie');
    const same = connect(`/api/v1/incidents/${incident.ref}/room/live`, { cookie, origin: h.url });
    expect(await same.hello()).toMatchObject({ type: 'hello', incident: incident.ref });
    const foreign = connect(`/api/v1/incidents/${incident.ref}/room/live`, { cookie, origin: 'https://evil.example' });
    expect((await foreign.closed).code).toBe(LIVE_CLOSE.forbidden);
    expect(foreign.messages).toEqual([]);
  });
});

describe('the OpenAPI document', () => {
  it('describes both websockets and their messages', async () => {
    const doc = await h.request('GET', '/docs/json', { token: null });
    expect(doc.body.info.description).toContain('/api/v1/live');
    expect(doc.body.info.description).toContain('"type":"incident"');
    expect(doc.body.info.description).toContain('/room/live');
  });
});
