import { HttpError, NetworkError, TimeoutError, UnexpectedResponseError } from './errors';
import { parseRetryAfter } from './retry-after';

export type FetchFn = typeof fetch;

export interface HttpRequest {
  /** Names the operation in errors, e.g. "ServiceNow PATCH incident/abc". Never includes credentials. */
  target: string;
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
  fetch?: FetchFn;
  /** Builds the error for a non-2xx answer when the vendor's error shape says more than HttpError can (default: HttpError). */
  errorFor?: (answer: { status: number; text: string; retryAfterMs?: number }) => Error;
}

/** Reads a short, human-meaningful detail from an error body (ServiceNow's `error.message`, or plain text). */
function errorDetail(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string; detail?: string } | string };
    if (typeof parsed.error === 'string') return parsed.error;
    if (parsed.error?.message) return [parsed.error.message, parsed.error.detail].filter(Boolean).join(': ');
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, 200);
}

/**
 * Sends a JSON request and returns the parsed JSON answer (or the text of a non-JSON answer).
 * Throws HttpError (non-2xx, with Retry-After), TimeoutError or NetworkError; fetch itself does not check `ok`.
 */
export async function fetchJson(req: HttpRequest): Promise<unknown> {
  const doFetch = req.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(req.url, {
      method: req.method ?? 'GET',
      headers: {
        Accept: 'application/json',
        ...(req.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...req.headers,
      },
      body: req.body !== undefined ? JSON.stringify(req.body) : undefined,
      signal: AbortSignal.timeout(req.timeoutMs),
    });
  } catch (err) {
    // Checked by name, not instanceof: errors from fetch may come from another realm (e.g. under jest's vm).
    const name = (err as { name?: unknown } | null)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new TimeoutError(`${req.target} timed out after ${req.timeoutMs} ms`, req.target, { cause: err });
    }
    throw new NetworkError(`${req.target} failed: ${(err as Error).message}`, req.target, { cause: err });
  }
  let text: string;
  try {
    text = await response.text();
  } catch (err) {
    throw new TimeoutError(`${req.target} timed out reading the answer`, req.target, { cause: err });
  }
  if (!response.ok) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    throw req.errorFor?.({ status: response.status, text, retryAfterMs }) ?? new HttpError(req.target, response.status, errorDetail(text), retryAfterMs);
  }
  // Some endpoints (Slack's response_url) answer a plain "ok"; only JSON answers are parsed.
  if (text === '' || !/json/i.test(response.headers.get('content-type') ?? '')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UnexpectedResponseError(`${req.target} answered with malformed JSON`, req.target, { cause: err });
  }
}
