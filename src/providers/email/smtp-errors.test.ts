import { describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../kernel/index.js';
import { messageIdFor } from './message-id.js';
import { classifySmtpError, secretFormsOf } from './smtp-errors.js';

const nodemailerError = (fields: Record<string, unknown>) => Object.assign(new Error(String(fields.message ?? 'failed')), fields);

describe('classifySmtpError', () => {
  it.each([
    [{ code: 'EENVELOPE', responseCode: 450, response: '450 4.2.0 Greylisted', command: 'RCPT TO' }, RetryableError],
    [{ code: 'EENVELOPE', responseCode: 452, response: '452 4.5.3 Too many recipients', command: 'RCPT TO' }, RetryableError],
    [{ code: 'EPROTOCOL', responseCode: 421, response: '421 Service not available', command: 'CONN' }, RetryableError],
    [{ code: 'EAUTH', responseCode: 454, response: '454 4.7.0 Temporary authentication failure', command: 'AUTH PLAIN' }, RetryableError],
    [{ code: 'EENVELOPE', responseCode: 550, response: '550 5.1.1 User unknown', command: 'RCPT TO' }, PermanentError],
    [{ code: 'EMESSAGE', responseCode: 552, response: '552 Message size exceeds limit', command: 'DATA' }, PermanentError],
    [{ code: 'EAUTH', responseCode: 535, response: '535 5.7.8 Bad credentials', command: 'AUTH PLAIN' }, PermanentError],
    [{ code: 'ETIMEDOUT', message: 'Timeout', command: 'CONN' }, RetryableError],
    [{ code: 'ESOCKET', message: 'connect ECONNREFUSED 10.0.0.1:587', command: 'CONN' }, RetryableError],
    [{ code: 'ECONNECTION', message: 'Connection closed unexpectedly' }, RetryableError],
    [{ code: 'EDNS', message: 'getaddrinfo EAI_AGAIN smtp.example' }, RetryableError],
    [{ code: 'EAUTH', message: 'Missing credentials for "PLAIN"', command: 'API' }, PermanentError],
    [{ code: 'ETLS', message: 'certificate has expired' }, PermanentError],
    [{ code: 'EENVELOPE', message: 'Invalid recipient "bad"', command: 'API' }, PermanentError],
    [{ message: 'something odd' }, RetryableError],
  ])('%j → %o', (fields, kind) => {
    expect(classifySmtpError(nodemailerError(fields), [])).toBeInstanceOf(kind);
  });

  it('keeps only the first line of a multi-line reply', () => {
    const error = classifySmtpError(nodemailerError({ responseCode: 550, response: '550-5.1.1 first\n550 5.1.1 second', command: 'RCPT TO' }), []);
    expect(error.message).toBe('smtp RCPT TO failed (550): 550-5.1.1 first');
  });

  it('scrubs the URL, the password in every spelling and the AUTH PLAIN token', () => {
    const url = 'smtps://pager:p%40ss%3Aword@smtp.example:465';
    const secrets = secretFormsOf(url);
    const plain = Buffer.from('\u0000pager\u0000p@ss:word').toString('base64');
    const error = classifySmtpError(
      nodemailerError({ code: 'ESOCKET', message: `failed ${url} with p@ss:word and p%40ss%3Aword, sent ${plain}` }),
      secrets,
    );
    expect(error.message).toBe('smtp failed (ESOCKET): failed [redacted] with [redacted] and [redacted], sent [redacted]');
  });

  it('has no secrets to scrub when the URL has no password (an internal relay)', () => {
    expect(secretFormsOf('smtp://relay.internal:25')).toEqual([]);
  });
});

describe('messageIdFor', () => {
  it('is stable per key, differs between keys, and uses the From domain', () => {
    const a = messageIdFor('notify:12:u-alice:email', 'Warroom <pager@Warroom.Example>');
    expect(a).toBe(messageIdFor('notify:12:u-alice:email', 'pager@warroom.example'));
    expect(a).not.toBe(messageIdFor('notify:12:u-bob:email', 'pager@warroom.example'));
    expect(a).toMatch(/^<warroom\.[0-9a-f]{40}@warroom\.example>$/);
  });
});
