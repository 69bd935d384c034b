import { describe, expect, it } from 'vitest';
import type { MessageDoc } from '../api.js';
import { renderSms, renderVoiceTwiml, SMS_MAX_CHARS } from './render.js';

const page: MessageDoc = {
  kind: 'page',
  title: 'Database primary unreachable',
  severity: 'P0',
  incidentRef: 'INC-12',
  incidentUrl: 'https://warroom.example/incidents/12',
  summary: 'Not sent by SMS.',
  fields: [{ label: 'Service', value: 'orders-db' }],
  links: [],
  actions: [{ id: 'ack', label: 'Acknowledge' }],
  mentions: [],
  replyHint: 'Reply 12a to ack, 12r to resolve',
};

describe('renderSms', () => {
  it('renders a page with the reply hint', () => {
    expect(renderSms(page)).toMatchInlineSnapshot(`"[P0] INC-12 Database primary unreachable. Reply 12a to ack, 12r to resolve"`);
  });

  it('renders a resolution without a hint, falling back to the incident URL', () => {
    expect(renderSms({ ...page, kind: 'resolved', replyHint: undefined, title: 'Disk full!' })).toMatchInlineSnapshot(`"[P0] INC-12 Resolved: Disk full. https://warroom.example/incidents/12"`);
  });

  it('flattens newlines and keeps a long title within 320 characters, hint intact', () => {
    const sms = renderSms({ ...page, title: `Very\nlong ${'word '.repeat(120)}` });
    expect(Array.from(sms).length).toBeLessThanOrEqual(SMS_MAX_CHARS);
    expect(sms).not.toContain('\n');
    expect(sms).toMatch(/^\[P0\] INC-12 Very long [word ]+\.\.\. Reply 12a to ack, 12r to resolve$/);
  });

  it('never splits an emoji when truncating', () => {
    const sms = renderSms({ ...page, title: '🔥'.repeat(400), replyHint: undefined, incidentUrl: undefined });
    expect(Array.from(sms).length).toBeLessThanOrEqual(SMS_MAX_CHARS);
    expect(sms).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('renderVoiceTwiml', () => {
  it('renders a page with a Gather posting to the action URL', () => {
    expect(renderVoiceTwiml(page, { actionUrl: 'https://warroom.example/hooks/twilio/gather?tenant=a' })).toMatchInlineSnapshot(`"<?xml version="1.0" encoding="UTF-8"?><Response><Say>Warroom page. Severity P0. Incident 12. Database primary unreachable.</Say><Gather numDigits="1" timeout="10" action="https://warroom.example/hooks/twilio/gather?tenant=a&amp;incident=INC-12" method="POST"><Say>Press 1 to acknowledge.</Say></Gather><Say>No input received. Goodbye.</Say></Response>"`);
  });

  it('escapes XML in the title and drops control characters', () => {
    expect(renderVoiceTwiml({ ...page, title: `</Say><Dial>+1900</Dial> & 'quotes' "too"\u0007` })).toMatchInlineSnapshot(`"<?xml version="1.0" encoding="UTF-8"?><Response><Say>Warroom page. Severity P0. Incident 12. &lt;/Say&gt;&lt;Dial&gt;+1900&lt;/Dial&gt; &amp; &apos;quotes&apos; &quot;too&quot;.</Say><Gather numDigits="1" timeout="10"><Say>Press 1 to acknowledge.</Say></Gather><Say>No input received. Goodbye.</Say></Response>"`);
  });

  it('reads an update without asking for input', () => {
    expect(renderVoiceTwiml({ ...page, kind: 'update', incidentRef: 'OPS-7' })).toMatchInlineSnapshot(`"<?xml version="1.0" encoding="UTF-8"?><Response><Say>Warroom update. Severity P0. OPS-7. Database primary unreachable.</Say></Response>"`);
  });
});
