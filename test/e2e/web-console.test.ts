import { hash } from '@node-rs/argon2';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations, launchBrowser, screenshot, signIn } from '../helpers/browser.js';
import { ADMIN_TOKEN, CHECKOUT_KEY, alertmanagerPayload, startTestApp, type TestApp } from '../helpers/test-app.js';

const PASSWORD = 'correct horse battery';
let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  const passwordHash = await hash(PASSWORD);
  app = await startTestApp({
    env: { WARROOM_WORKER_POLL_MS: '50' },
    config: `
settings: { public_url: "http://warroom.test" }
users:
  - { id: alice, name: Alice Chen, role: admin, password_hash: "${passwordHash}" }
  - { id: bob, name: Bob Li, role: responder, password_hash: "${passwordHash}" }
  - { id: dave, name: Dave Wang, role: viewer, password_hash: "${passwordHash}" }
teams:
  - { id: payments, name: Payments, members: [alice, bob] }
schedules:
  - id: payments-primary
    name: Payments primary
    team: payments
    timezone: Asia/Shanghai
    layers:
      - { name: weekly, users: [bob, alice], rotation: { every: 1, unit: weeks }, start: "2026-01-05T09:00" }
      - name: weekdays
        users: [alice]
        rotation: { every: 1, unit: days }
        start: "2026-01-05T09:00"
        restrictions: [{ days: [mon, tue, wed, thu, fri], start: "09:00", end: "18:00" }]
escalation_policies:
  - { id: checkout, name: Checkout, levels: [{ targets: [{ schedule: payments-primary }], escalate_after: 15m }, { targets: [{ user: alice }], escalate_after: 15m }] }
api_tokens:
  - { name: admin, token: ${ADMIN_TOKEN}, role: admin, user: alice }
services:
  - { id: checkout, name: Checkout, owner: bob, team: payments, escalation_policy: checkout, integration_keys: [{ key: ${CHECKOUT_KEY} }] }
`,
  });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function newPage(user: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-US' });
  const page = await context.newPage();
  await signIn(page, app.url, user, PASSWORD);
  return { context, page };
}

/** The web war room opens by a job just after the incident; under load that can take a moment. */
async function webRoomOpen(ref: string): Promise<void> {
  await expect
    .poll(async () => (await app.request('GET', `/api/v1/incidents/${ref}/room`)).body.rooms.map((r: { provider: string; status: string }) => `${r.provider}:${r.status}`), { timeout: 15_000 })
    .toContain('web:active');
}

async function sendAlert(labels: Record<string, string>): Promise<string> {
  const reply = await app.request('POST', `/api/v1/integrations/alertmanager/${CHECKOUT_KEY}`, { body: alertmanagerPayload([{ labels }]), token: null });
  expect(reply.status).toBe(200);
  return reply.body.results[0].incident as string;
}

describe('the web console, driven in Chromium', () => {
  let responder: Page;
  let ref: string;

  it('refuses a wrong password and signs in with the right one', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${app.url}/incidents`);
    await page.locator('input[name=user]').fill('bob');
    await page.locator('input[name=password]').fill('not the password');
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.getByRole('alert').filter({ hasText: /wrong user or password/i }).waitFor();
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'warroom_session')).toBeUndefined();
    await context.close();

    ({ page: responder } = await newPage('bob'));
    const session = (await responder.context().cookies()).find((c) => c.name === 'warroom_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    // Nothing has happened yet: the list says so.
    await responder.getByTestId('incidents-empty').waitFor();
  });

  it('shows an incident posted through the API without a reload', async () => {
    const before = await responder.evaluate<number>('performance.getEntriesByType("navigation").length');
    ref = await sendAlert({ alertname: 'CheckoutDown', severity: 'critical', service: 'checkout', cluster: 'prod' });
    const row = responder.getByTestId(`incident-row-${ref}`);
    await row.waitFor({ timeout: 15_000 });
    expect(await row.getAttribute('data-severity')).toBe('P0');
    expect(await row.textContent()).toContain('CheckoutDown');
    expect(await responder.evaluate<number>('performance.getEntriesByType("navigation").length')).toBe(before);
    const second = await sendAlert({ alertname: 'CheckoutLatencyHigh', severity: 'warning', service: 'checkout', instance: 'web-2' });
    await responder.getByTestId(`incident-row-${second}`).waitFor({ timeout: 15_000 });
    expect(await responder.getByTestId(`incident-row-${second}`).getAttribute('data-severity')).toBe('P2');
    await screenshot(responder, 'incidents-list');
    expect(await accessibilityViolations(responder)).toEqual([]);
  });

  it('opens the incident, acknowledges it, and a war-room message with an @mention lands on the timeline', async () => {
    await responder.getByTestId(`incident-row-${ref}`).getByRole('link').first().click();
    await responder.getByTestId('incident-header').waitFor();
    expect(await responder.getByTestId('incident-status').getAttribute('data-status')).toBe('triggered');
    await responder.getByTestId('ack-button').click();
    await expect.poll(() => responder.getByTestId('incident-status').getAttribute('data-status'), { timeout: 10_000 }).toBe('acknowledged');
    expect((await app.request('GET', `/api/v1/incidents/${ref}`)).body.incident.acknowledged_at).not.toBeNull();

    await webRoomOpen(ref);
    await responder.getByRole('tab', { name: /war room/i }).click();
    const input = responder.getByTestId('chat-input');
    await input.click();
    await input.pressSequentially('rolling back the deploy, @ali');
    await responder.getByTestId('mention-option-alice').click();
    expect(await input.inputValue()).toBe('rolling back the deploy, @alice ');
    await input.pressSequentially('please watch the error rate');
    await responder.getByTestId('chat-send').click();
    const said = 'rolling back the deploy, @alice please watch the error rate';
    await expect.poll(async () => (await app.request('GET', `/api/v1/incidents/${ref}/room/messages`)).body.items.map((m: { text: string }) => m.text), { timeout: 10_000 }).toContain(said);
    await responder.getByRole('tab', { name: /timeline/i }).click();
    const chatItem = responder.getByTestId('timeline').getByTestId('timeline-item').filter({ hasText: '@alice please watch the error rate' });
    await chatItem.first().waitFor({ timeout: 10_000 });
    expect(await chatItem.first().getAttribute('data-kind')).toBe('chat.message');
    await screenshot(responder, 'incident-page');
    expect(await accessibilityViolations(responder)).toEqual([]);
    await responder.getByRole('tab', { name: /pages/i }).click();
    await responder.getByTestId('pages-list').getByTestId('page-person').first().waitFor({ timeout: 10_000 });
    await responder.getByRole('tab', { name: /war room/i }).click();
    await screenshot(responder, 'incident-war-room');
  });

  it('resolves the incident from the page', async () => {
    await responder.getByTestId('resolve-button').click();
    // Resolving asks first: a stray click or key must not end an incident.
    await responder.getByTestId('resolve-confirm').click();
    await expect.poll(() => responder.getByTestId('incident-status').getAttribute('data-status'), { timeout: 10_000 }).toBe('resolved');
    expect((await app.request('GET', `/api/v1/incidents/${ref}`)).body.incident.status).toBe('resolved');
  });

  it('shows the on-call calendar, and an override takes two clicks', async () => {
    await responder.goto(`${app.url}/oncall`);
    await responder.getByTestId('oncall-calendar').waitFor();
    await responder.getByTestId('shift-bar').first().waitFor();
    expect(await responder.getByTestId('calendar-row-payments-primary').count()).toBe(1);
    expect(await responder.getByTestId('oncall-now').textContent()).toMatch(/Payments.*Payments primary/i);
    // Two clicks: one of Alice's shifts, then "Take this shift" makes Bob cover it.
    // (The last one: the calendar starts yesterday, and a shift already over cannot be covered.)
    await responder.locator('[data-testid="shift-bar"][data-user="alice"]').last().click();
    await responder.getByTestId('override-confirm').click();
    await expect
      .poll(async () => (await app.request('GET', '/api/v1/schedules/payments-primary/timeline?days=14')).body.overrides as { user_id: string; replaces: string | null }[], { timeout: 10_000 })
      .toEqual([expect.objectContaining({ user_id: 'bob', replaces: 'alice' })]);
    await responder.locator('[data-testid="shift-bar"][data-source="override"]').first().waitFor();
    await screenshot(responder, 'oncall-calendar');
    expect(await accessibilityViolations(responder)).toEqual([]);
  });

  it('does not let a viewer acknowledge: not in the page, not through the API with their session, not by typing ack', async () => {
    const open = await sendAlert({ alertname: 'CheckoutErrors', severity: 'critical', service: 'checkout', cluster: 'staging' });
    const { context, page } = await newPage('dave');
    await page.goto(`${app.url}/incidents/${open}`);
    await page.getByTestId('incident-header').waitFor();
    const ack = page.getByTestId('ack-button');
    expect((await ack.count()) === 0 || (await ack.isDisabled())).toBe(true);
    const status = await page.evaluate(async (id) => {
      const session = (await (await fetch('/api/v1/session')).json()) as { csrf_token: string };
      const reply = await fetch(`/api/v1/incidents/${id}/acknowledge`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf_token }, body: '{}' });
      return reply.status;
    }, open);
    expect(status).toBe(403);

    // In the war room a viewer may talk, as in any chat room, but a typed command is refused.
    await webRoomOpen(open);
    await page.getByRole('tab', { name: /war room/i }).click();
    const input = page.getByTestId('chat-input');
    const roomTexts = async () => (await app.request('GET', `/api/v1/incidents/${open}/room/messages`)).body.items.map((m: { text: string }) => m.text) as string[];
    await input.fill('customers in Hangzhou report failed payments');
    await input.press('Enter');
    // One message at a time: the input takes the next once the last is sent.
    await expect.poll(roomTexts, { timeout: 10_000 }).toContain('customers in Hangzhou report failed payments');
    await expect.poll(() => input.inputValue()).toBe('');
    await input.fill('ack');
    await input.press('Enter');
    // The refusal is answered in the room (shown inline first, then as the room's own message).
    await expect.poll(async () => (await roomTexts()).some((text) => /responder/i.test(text)), { timeout: 10_000 }).toBe(true);
    await page.getByTestId('room-chat').getByText(/responder/i).first().waitFor({ timeout: 10_000 });
    expect((await app.request('GET', `/api/v1/incidents/${open}`)).body.incident.status).toBe('triggered');
    await context.close();
  });

  it('makes a personal API token in Settings that works once and not after revoking', async () => {
    await responder.goto(`${app.url}/settings`);
    await responder.getByTestId('create-token-button').click();
    await responder.getByTestId('token-name').fill('laptop');
    await responder.getByTestId('create-token-submit').click();
    const secret = (await responder.getByTestId('token-secret').textContent())!.trim();
    const me = await app.request('GET', '/api/v1/me', { token: secret });
    expect(me.body).toMatchObject({ user_id: 'bob', role: 'responder', via: 'token' });
    await responder.keyboard.press('Escape');
    await responder.getByTestId('revoke-token-laptop').click();
    await responder.getByTestId('confirm-revoke').click();
    // At once, not when the 10 s token cache expires.
    await expect.poll(async () => (await app.request('GET', '/api/v1/me', { token: secret })).status, { timeout: 3_000 }).toBe(401);
  });

  it('fits a phone screen and keeps AA contrast in the dark scheme', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'dark', locale: 'en-US' });
    const page = await context.newPage();
    await signIn(page, app.url, 'bob', PASSWORD);
    for (const path of ['/incidents', `/incidents/${ref}`, '/oncall']) {
      await page.goto(`${app.url}${path}`);
      await page.getByTestId(/^(incidents-table|incident-header|oncall-calendar)$/).first().waitFor();
      expect(await page.evaluate<number>('document.documentElement.scrollWidth'), `${path} scrolls sideways`).toBeLessThanOrEqual(390);
      expect(await accessibilityViolations(page), path).toEqual([]);
    }
    await screenshot(page, 'oncall-phone-dark');
    await context.close();
  });

  it('switches to Chinese', async () => {
    await responder.goto(`${app.url}/incidents`);
    await responder.getByRole('banner').getByText('中文', { exact: true }).click();
    await expect.poll(() => responder.getByRole('navigation').textContent()).toContain('故障');
    expect(await responder.locator('html').getAttribute('lang')).toBe('zh-CN');
  });
});
