import { describe, expect, it } from 'vitest';
import type { MessageDoc } from '../api.js';
import { renderEmail } from './render.js';

const page: MessageDoc = {
  kind: 'page',
  title: 'Database primary unreachable',
  severity: 'P0',
  incidentRef: 'INC-12',
  incidentUrl: 'https://warroom.example/incidents/12',
  summary: 'Primary failed health checks for 3 minutes.\nReplica lag 45 s.',
  fields: [
    { label: 'Service', value: 'orders-db' },
    { label: 'Region', value: 'eu-west-1' },
  ],
  links: [{ label: 'Runbook', url: 'https://runbooks.example/orders-db?step=1&mode=fast' }],
  actions: [
    { id: 'view', label: 'View incident' },
    { id: 'ack', label: 'Acknowledge' },
    { id: 'resolve', label: 'Resolve', url: 'https://warroom.example/incidents/12/resolve' },
  ],
  mentions: [{ kind: 'user', userId: 'u-alice', name: 'Alice', chatIds: {}, phone: null }],
  footer: 'You are on call for orders. Manage notifications: https://warroom.example/me',
};

describe('renderEmail', () => {
  it('renders a page: subject, text and HTML', () => {
    const email = renderEmail(page);
    expect(email.subject).toMatchInlineSnapshot(`"[P0] 🚨 INC-12 Database primary unreachable"`);
    expect(email.text).toMatchInlineSnapshot(`
      "[P0] Page: INC-12 Database primary unreachable

      Primary failed health checks for 3 minutes.
      Replica lag 45 s.

      Service: orders-db
      Region: eu-west-1

      Links:
      - Runbook: https://runbooks.example/orders-db?step=1&mode=fast

      View incident: https://warroom.example/incidents/12
      Acknowledge: https://warroom.example/incidents/12
      Resolve: https://warroom.example/incidents/12/resolve

      -- 
      You are on call for orders. Manage notifications: https://warroom.example/me
      "
    `);
    expect(email.html).toMatchInlineSnapshot(`
      "<!doctype html>
      <html><body style="font-family:sans-serif;font-size:14px">
      <p style="margin:0 0 4px"><span style="background:#c0392b;color:#fff;padding:2px 6px;border-radius:3px;font-weight:bold">P0</span> Page</p>
      <h2 style="margin:0 0 12px">INC-12 Database primary unreachable</h2>
      <p>Primary failed health checks for 3 minutes.<br>Replica lag 45 s.</p>
      <table style="border-collapse:collapse;margin:0 0 12px">
      <tr><th align="left" style="padding:2px 12px 2px 0">Service</th><td>orders-db</td></tr>
      <tr><th align="left" style="padding:2px 12px 2px 0">Region</th><td>eu-west-1</td></tr>
      </table>
      <ul><li><a href="https://runbooks.example/orders-db?step=1&amp;mode=fast">Runbook</a></li></ul>
      <p><a href="https://warroom.example/incidents/12">View incident</a> &middot; <a href="https://warroom.example/incidents/12">Acknowledge</a> &middot; <a href="https://warroom.example/incidents/12/resolve">Resolve</a></p>
      <p style="color:#777;font-size:12px">You are on call for orders. Manage notifications: https://warroom.example/me</p>
      </body></html>
      "
    `);
  });

  it('renders a minimal resolution', () => {
    const email = renderEmail({ kind: 'resolved', title: 'Disk full', severity: 'P3', fields: [], links: [], actions: [{ id: 'ack', label: 'Acknowledge' }], mentions: [] });
    expect(email).toMatchInlineSnapshot(`
      {
        "html": "<!doctype html>
      <html><body style="font-family:sans-serif;font-size:14px">
      <p style="margin:0 0 4px"><span style="background:#2471a3;color:#fff;padding:2px 6px;border-radius:3px;font-weight:bold">P3</span> Resolved</p>
      <h2 style="margin:0 0 12px">Disk full</h2>
      </body></html>
      ",
        "subject": "[P3] ✅ Disk full",
        "text": "[P3] Resolved: Disk full
      ",
      }
    `);
  });

  it('escapes HTML everywhere and refuses to link non-web URLs', () => {
    const email = renderEmail({
      ...page,
      title: '<script>alert(1)</script> & "quotes"',
      summary: '<img src=x onerror=alert(1)>',
      fields: [{ label: '<b>label</b>', value: "it's <i>value</i>" }],
      links: [{ label: 'evil', url: 'javascript:alert(1)' }, { label: 'quote"break', url: 'https://x.example/"onmouseover="alert(1)' }],
      footer: '</p><p>footer',
    });
    expect(email.html).not.toMatch(/<script|<img|<b>|<i>|<\/p><p>footer|href="javascript/);
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(email.html).toContain('evil: javascript:alert(1)');
    expect(email.html).toContain('href="https://x.example/&quot;onmouseover=&quot;alert(1)"');
    // Plain text is not markup: it stays as written.
    expect(email.text).toContain('<script>alert(1)</script> & "quotes"');
  });

  it('keeps the subject on one line', () => {
    expect(renderEmail({ ...page, title: 'line one\r\nBcc: victim@example.com' }).subject).toBe('[P0] 🚨 INC-12 line one Bcc: victim@example.com');
  });
});
