/** A small client for warroom's HTTP API: the CLI uses the same API as the UI and everyone else. */
export interface ApiClientOptions {
  url: string;
  token?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function callApi<T>(options: ApiClientOptions, method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(new URL(path, options.url), {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, `cannot reach warroom at ${options.url}: ${(error as Error).message}`);
  }
  const text = await response.text();
  const parsed = text ? safeJson(text) : null;
  if (response.status === 204) return null as T;
  if (!response.ok) {
    const message = (parsed as { message?: string } | null)?.message ?? text;
    throw new ApiError(response.status, `${response.status}: ${message}`);
  }
  return parsed as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function clientOptions(opts: { url?: string; token?: string }, needsToken: boolean): ApiClientOptions {
  const url = opts.url ?? process.env.WARROOM_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8080}`;
  const token = opts.token ?? process.env.WARROOM_TOKEN;
  if (needsToken && !token) throw new ApiError(0, 'an API token is needed: pass --token or set WARROOM_TOKEN');
  return { url, token };
}
