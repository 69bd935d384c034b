import { PermanentError, type Clock } from '../../kernel/index.js';
import type { SmsVoiceConfig } from './config.js';
import { errorForTwilioFetchFailure, errorForTwilioResponse } from './twilio-errors.js';

export type TwilioResource = 'Messages' | 'Calls';

/**
 * Twilio has no idempotency key for creating messages or calls, so a retry after a lost answer
 * can page twice. The key still travels in this header, which Twilio ignores but proxies, logs and
 * the fake record, so duplicates are recognisable.
 */
export const IDEMPOTENCY_HEADER = 'X-Warroom-Idempotency-Key';

export interface TwilioClient {
  /** POST /2010-04-01/Accounts/{sid}/{resource}.json and return the new resource's sid. */
  create(resource: TwilioResource, params: Record<string, string>, idempotencyKey: string): Promise<string>;
}

export function createTwilioClient(config: SmsVoiceConfig, clock: Clock): TwilioClient {
  const authorization = `Basic ${Buffer.from(`${config.account_sid}:${config.auth_token}`).toString('base64')}`;
  const accountPath = `${config.base_url}/2010-04-01/Accounts/${encodeURIComponent(config.account_sid)}`;
  return {
    async create(resource, params, idempotencyKey) {
      let response: Response;
      try {
        response = await fetch(`${accountPath}/${resource}.json`, {
          method: 'POST',
          headers: {
            authorization,
            accept: 'application/json',
            'content-type': 'application/x-www-form-urlencoded',
            'user-agent': 'warroom-sms-voice/1',
            [IDEMPOTENCY_HEADER]: idempotencyKey,
          },
          body: new URLSearchParams(params).toString(),
          signal: AbortSignal.timeout(config.timeout_ms),
        });
      } catch (error) {
        throw errorForTwilioFetchFailure(resource, error, config.timeout_ms);
      }
      const body = await readJson(response, resource, config.timeout_ms);
      if (!response.ok) {
        throw errorForTwilioResponse(
          resource,
          response.status,
          body,
          response.headers.get('retry-after'),
          clock.now(),
          config.auth_token,
        );
      }
      const sid = body && typeof body === 'object' ? (body as { sid?: unknown }).sid : undefined;
      // A 2xx without a sid is not Twilio (a proxy or a wrong base_url); retrying would not help.
      if (typeof sid !== 'string' || !sid) throw new PermanentError(`twilio ${resource} answered ${response.status} without a sid`);
      return sid;
    },
  };
}

async function readJson(response: Response, resource: string, timeoutMs: number): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw errorForTwilioFetchFailure(resource, error, timeoutMs);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
