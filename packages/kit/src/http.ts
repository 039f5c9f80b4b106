/** Headers for a call to another service that carry the request id along. */
export function forwardHeaders(
  requestId: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return { 'x-request-id': requestId, accept: 'application/json', ...extra };
}

/** Raised by {@link fetchJson} for a failed call; `retriable` says whether to try again. */
export class UpstreamError extends Error {
  readonly status?: number;
  readonly retriable: boolean;

  constructor(message: string, status: number | undefined, retriable: boolean, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'UpstreamError';
    this.status = status;
    this.retriable = retriable;
  }
}

/** GET or POST JSON to another service with a timeout and the request id. */
export async function fetchJson<T>(
  url: string,
  options: { requestId: string; method?: string; body?: unknown; timeoutMs?: number },
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method ?? 'GET',
      headers: forwardHeaders(
        options.requestId,
        options.body === undefined ? {} : { 'content-type': 'application/json' },
      ),
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
  } catch (error) {
    throw new UpstreamError(`call to ${url} failed`, undefined, true, error);
  }
  if (!response.ok) {
    const retriable = response.status >= 500 || response.status === 429;
    throw new UpstreamError(
      `call to ${url} answered ${response.status}`,
      response.status,
      retriable,
    );
  }
  return (await response.json()) as T;
}
