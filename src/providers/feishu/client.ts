import * as lark from '@larksuiteoapi/node-sdk';
import { RetryableError, silentLogger, type Clock, type Logger } from '../../kernel/index.js';
import { sdkDomain, type FeishuConfig } from './config.js';
import { STALE_TOKEN_CODES, businessError, classifyFeishuFailure } from './errors.js';

/** What every generated SDK method resolves to (the default HTTP instance returns the JSON body). */
export interface FeishuBody<T> {
  code?: number | undefined;
  msg?: string | undefined;
  data?: T | undefined;
}

export interface FeishuApi {
  readonly client: lark.Client;
  /** Runs one SDK call and returns its `data`, or throws a classified Retryable/PermanentError. */
  call<T>(api: string, run: (client: lark.Client) => Promise<FeishuBody<T>>): Promise<T>;
}

export interface FeishuClientDeps {
  clock: Clock;
  logger?: Logger;
  httpInstance?: lark.HttpInstance;
}

/**
 * The SDK client for one provider instance: its own token cache (the SDK's default cache is
 * process-global, keyed by app id), a request timeout, and a logger that never sees raw axios
 * errors (their config carries the tenant token and, for the token call, the app secret).
 */
export function createFeishuApi(settings: FeishuConfig, deps: FeishuClientDeps): FeishuApi {
  const cache = new MemoryTokenCache(deps.clock);
  const secrets = secretsOf(settings);
  const client = new lark.Client({
    appId: settings.app_id,
    appSecret: settings.app_secret,
    domain: sdkDomain(settings.domain),
    cache,
    loggerLevel: lark.LoggerLevel.error,
    logger: sanitizedSdkLogger(deps.logger ?? silentLogger),
    httpInstance: deps.httpInstance ?? withTimeout(lark.defaultHttpInstance as unknown as lark.HttpInstance, settings.timeout_ms),
  });
  return {
    client,
    async call<T>(api: string, run: (c: lark.Client) => Promise<FeishuBody<T>>): Promise<T> {
      let body: FeishuBody<T>;
      try {
        body = await run(client);
      } catch (error) {
        const classified = classifyFeishuFailure(api, error, deps.clock.now(), secrets);
        throw refreshOnStaleToken(classified, errorCodeOf(error), cache);
      }
      const code = body?.code ?? 0;
      if (code !== 0) throw refreshOnStaleToken(businessError(api, code, body.msg, deps.clock.now(), secrets), code, cache);
      return (body.data ?? {}) as T;
    },
  };
}

export function secretsOf(settings: FeishuConfig): string[] {
  return [settings.app_secret, settings.encrypt_key ?? '', settings.verification_token ?? ''].filter(Boolean);
}

/** A token the SDK cached may be refused before it expires; drop it so the retry fetches a new one. */
function refreshOnStaleToken(error: Error, code: number | undefined, cache: MemoryTokenCache) {
  if (code === undefined || !STALE_TOKEN_CODES.has(code)) return error;
  cache.clear();
  return new RetryableError(`${error.message} (cached tenant token dropped)`);
}

function errorCodeOf(error: unknown): number | undefined {
  const code = (error as { response?: { data?: { code?: unknown } } } | undefined)?.response?.data?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Same shape as the SDK's default instance (interceptor returns resp.data), plus a timeout on every request. */
export function withTimeout(base: lark.HttpInstance, timeoutMs: number): lark.HttpInstance {
  const opts = <D>(o?: lark.HttpRequestOptions<D>): lark.HttpRequestOptions<D> => ({ ...o, timeout: o?.timeout ?? timeoutMs });
  return {
    request: (o) => base.request(opts(o)),
    get: (url, o) => base.get(url, opts(o)),
    delete: (url, o) => base.delete(url, opts(o)),
    head: (url, o) => base.head(url, opts(o)),
    options: (url, o) => base.options(url, opts(o)),
    post: (url, data, o) => base.post(url, data, opts(o)),
    put: (url, data, o) => base.put(url, data, opts(o)),
    patch: (url, data, o) => base.patch(url, data, opts(o)),
  };
}

/** Per-instance token cache with the SDK's expiry semantics (absolute ms timestamps). */
export class MemoryTokenCache implements lark.Cache {
  private readonly entries = new Map<string, { value: unknown; expiresAt: number | undefined }>();

  constructor(private readonly clock: Clock) {}

  async set(key: string | Symbol, value: unknown, expire?: number, options?: { namespace?: string }): Promise<boolean> {
    this.entries.set(this.keyOf(key, options), { value, expiresAt: expire });
    return true;
  }

  async get(key: string | Symbol, options?: { namespace?: string }): Promise<unknown> {
    const entry = this.entries.get(this.keyOf(key, options));
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= this.clock.now().getTime()) return undefined;
    return entry.value;
  }

  clear(): void {
    this.entries.clear();
  }

  private keyOf(key: string | Symbol, options?: { namespace?: string }): string {
    return `${options?.namespace ?? ''}/${key.toString()}`;
  }
}

/** The SDK logs raw axios errors; pass on only their messages and Feishu codes. */
export function sanitizedSdkLogger(logger: Logger): lark.Logger {
  const noop = () => {};
  return {
    error: (...args: unknown[]) => logger.warn({ feishu_sdk: args.map(summarize).join(' ') }, 'feishu sdk error'),
    warn: noop,
    info: noop,
    debug: noop,
    trace: noop,
  };
}

function summarize(value: unknown): string {
  if (typeof value === 'string') return value.slice(0, 300);
  if (Array.isArray(value)) return value.map(summarize).join(' ');
  if (value instanceof Error) return value.message.slice(0, 300);
  const v = value as { message?: unknown; code?: unknown; msg?: unknown } | null;
  if (v && (typeof v.code === 'number' || typeof v.msg === 'string')) return `code ${String(v.code)} ${String(v.msg ?? '')}`;
  if (v && typeof v.message === 'string') return v.message.slice(0, 300);
  return '';
}
