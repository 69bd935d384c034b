import { describe, expect, it } from 'vitest';
import { decodeEncodedWords, decodeQuotedPrintable, parseMail } from './mime-parse.js';

describe('mime-parse (fake SMTP support)', () => {
  it('decodes RFC 2047 words, joining adjacent ones across folds', () => {
    expect(decodeEncodedWords('=?UTF-8?Q?=5BP0=5D_=F0=9F=9A=A8?= =?UTF-8?B?SU5DLTEy?= tail')).toBe('[P0] 🚨INC-12 tail');
    expect(decodeEncodedWords('plain subject')).toBe('plain subject');
  });

  it('decodes quoted-printable with soft line breaks', () => {
    expect(decodeQuotedPrintable('caf=C3=A9 =\r\nau lait =3D ok').toString('utf8')).toBe('café au lait = ok');
  });

  it('reads a multipart/alternative message with base64 and quoted-printable parts', () => {
    const raw = [
      'Subject: =?UTF-8?Q?Hello_=E4=B8=96=E7=95=8C?=',
      'Message-ID: <abc@example>',
      'Content-Type: multipart/alternative;',
      ' boundary="--_b1"',
      '',
      '----_b1',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'line one',
      'caf=C3=A9',
      '----_b1',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('<p>café</p>').toString('base64'),
      '----_b1--',
      '',
    ].join('\r\n');
    expect(parseMail(raw)).toMatchObject({ subject: 'Hello 世界', messageId: '<abc@example>', text: 'line one\ncafé', html: '<p>café</p>' });
  });
});
