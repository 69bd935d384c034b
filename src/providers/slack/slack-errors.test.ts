import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../kernel/index.js';
import { expectNoSecret } from '../testing/provider-test-kit.js';
import { callSlack, slackCallError, slackErrorCode } from './errors.js';

const TOKEN = 'xoxb-123-456-secretTokenValue';

const platform = (error: string, extra: Record<string, unknown> = {}) => new WebAPIPlatformError({ ok: false, error, ...extra });
const timeout = () => Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
const refused = () => new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });

describe('slackCallError', () => {
  it.each([
    ['a 429 with Retry-After', new WebAPIRateLimitedError(7), RetryableError, 'slack chat.postMessage rate limited (HTTP 429)', 7000],
    ['a 503', new WebAPIHTTPError(503, 'Service Unavailable', {}, '<html>'), RetryableError, 'slack chat.postMessage answered HTTP 503', undefined],
    ['a 500', new WebAPIHTTPError(500, 'Internal Server Error', {}, ''), RetryableError, 'slack chat.postMessage answered HTTP 500', undefined],
    ['a 404 (a wrong api_url)', new WebAPIHTTPError(404, 'Not Found', {}, ''), PermanentError, 'slack chat.postMessage answered HTTP 404', undefined],
    ['a timeout', new WebAPIRequestError(timeout()), RetryableError, 'slack chat.postMessage timed out', undefined],
    ['a refused connection', new WebAPIRequestError(refused()), RetryableError, 'slack chat.postMessage unreachable: ECONNREFUSED', undefined],
    ['a 429 without Retry-After', new Error('Retry header did not contain a valid timeout (url: x)'), RetryableError, 'slack chat.postMessage rate limited (HTTP 429, no Retry-After)', undefined],
    ['ratelimited with a hint', platform('ratelimited', { response_metadata: { retryAfter: 3 } }), RetryableError, 'slack chat.postMessage failed: ratelimited', 3000],
    ['internal_error', platform('internal_error'), RetryableError, 'slack chat.postMessage failed: internal_error', undefined],
    ['fatal_error', platform('fatal_error'), RetryableError, 'slack chat.postMessage failed: fatal_error', undefined],
    ['service_unavailable', platform('service_unavailable'), RetryableError, 'slack chat.postMessage failed: service_unavailable', undefined],
    ['request_timeout', platform('request_timeout'), RetryableError, 'slack chat.postMessage failed: request_timeout', undefined],
    ['invalid_auth', platform('invalid_auth'), PermanentError, 'slack chat.postMessage failed: invalid_auth', undefined],
    ['not_authed', platform('not_authed'), PermanentError, 'slack chat.postMessage failed: not_authed', undefined],
    ['account_inactive', platform('account_inactive'), PermanentError, 'slack chat.postMessage failed: account_inactive', undefined],
    ['token_revoked', platform('token_revoked'), PermanentError, 'slack chat.postMessage failed: token_revoked', undefined],
    ['channel_not_found', platform('channel_not_found'), PermanentError, 'slack chat.postMessage failed: channel_not_found', undefined],
    ['not_in_channel', platform('not_in_channel'), PermanentError, 'slack chat.postMessage failed: not_in_channel', undefined],
    ['is_archived', platform('is_archived'), PermanentError, 'slack chat.postMessage failed: is_archived', undefined],
    ['invalid_blocks', platform('invalid_blocks'), PermanentError, 'slack chat.postMessage failed: invalid_blocks', undefined],
    ['an HTML page where JSON was expected', platform('<html>proxy login</html>'), PermanentError, 'slack chat.postMessage failed: unexpected_response', undefined],
  ])('%s', (_case, error, type, message, retryAfterMs) => {
    const mapped = slackCallError('chat.postMessage', error);
    expect(mapped).toBeInstanceOf(type);
    expect(mapped.message).toBe(message);
    if (mapped instanceof RetryableError) expect(mapped.retryAfterMs).toBe(retryAfterMs);
  });

  it('keeps no cause, headers or response body from the SDK error, so nothing secret can ride along', () => {
    const http = new WebAPIHTTPError(502, 'Bad Gateway', { authorization: `Bearer ${TOKEN}`, 'x-echo': TOKEN }, { token: TOKEN });
    const platformEcho = platform(`token ${TOKEN} revoked`, { token: TOKEN });
    const request = new WebAPIRequestError(Object.assign(new Error(`connect to https://x/?token=${TOKEN} failed`), { config: { headers: { Authorization: TOKEN } } }));
    for (const error of [http, platformEcho, request]) {
      const mapped = slackCallError('users.lookupByEmail', error);
      expect(mapped.cause).toBeUndefined();
      expectNoSecret(mapped, [TOKEN]);
    }
  });

  it('an unknown failure is retryable and names only the error class', () => {
    const mapped = slackCallError('chat.update', new RangeError(`weird ${TOKEN}`));
    expect(mapped).toBeInstanceOf(RetryableError);
    expect(mapped.message).toBe('slack chat.update failed: RangeError');
  });
});

describe('callSlack', () => {
  it('passes results through and maps failures, remembering the Slack code for callers that tolerate some', async () => {
    await expect(callSlack('conversations.archive', async () => 'ok')).resolves.toBe('ok');
    const error = await callSlack('conversations.archive', async () => {
      throw platform('already_archived');
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect(slackErrorCode(error)).toBe('already_archived');
    expect(slackErrorCode(new Error('x'))).toBeUndefined();
  });
});
