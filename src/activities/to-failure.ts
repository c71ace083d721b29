import { ApplicationFailure } from '@temporalio/common';
import { AgentApiError, ClientError, HttpError, IncidentNotFoundError, OnCallNotConfiguredError, PagerDutyError, SlackApiError, UnexpectedResponseError } from '../clients/errors';
import { wrapEach } from './wrap-each';

/** Slack `error` codes that describe a passing condition on Slack's side rather than our request. */
const RETRYABLE_SLACK_CODES = new Set(['rate_limited', 'ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

function describeHttp(err: HttpError): string {
  if (err.status === 401) return `${err.target} was refused: the credentials were not accepted (401). Check the integration user.`;
  if (err.status === 403) return `${err.target} was refused (403): ${err.detail || 'not allowed'}`;
  if (err.status === 404) return `${err.target} found nothing (404): ${err.detail || 'no such record'}`;
  return err.message;
}

/**
 * Classifies an error once, at the activity boundary: retryable failures (network, timeouts, 5xx, 429 with its
 * Retry-After as the next delay) go back to Temporal's retry policy; the rest fail fast with a message a person
 * in the Slack thread can act on.
 */
export function toApplicationFailure(err: unknown): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const type = err instanceof Error ? err.constructor.name : 'Error';
  const message = err instanceof Error ? err.message : String(err);

  if (err instanceof IncidentNotFoundError || err instanceof OnCallNotConfiguredError) {
    return ApplicationFailure.create({ type, message, nonRetryable: true });
  }
  if (err instanceof PagerDutyError) {
    return ApplicationFailure.create({
      type,
      message: err.retryable ? message : err.refusal,
      nonRetryable: !err.retryable,
      nextRetryDelay: err.retryable ? err.retryAfterMs : undefined,
      details: [{ status: err.status }],
    });
  }
  if (err instanceof AgentApiError) {
    return ApplicationFailure.create({
      type,
      message: err.retryable ? message : err.refusal,
      nonRetryable: !err.retryable,
      nextRetryDelay: err.retryable ? err.retryAfterMs : undefined,
      details: [{ status: err.status, code: err.code }],
    });
  }
  if (err instanceof HttpError) {
    const retryable = err.status === 429 || err.status === 408 || err.status >= 500;
    return ApplicationFailure.create({
      type,
      message: describeHttp(err),
      nonRetryable: !retryable,
      nextRetryDelay: retryable && err.retryAfterMs !== undefined ? err.retryAfterMs : undefined,
      details: [{ status: err.status }],
    });
  }
  if (err instanceof SlackApiError) {
    const retryable = RETRYABLE_SLACK_CODES.has(err.code);
    return ApplicationFailure.create({
      type,
      message,
      nonRetryable: !retryable,
      nextRetryDelay: retryable ? err.retryAfterMs : undefined,
      details: [{ code: err.code }],
    });
  }
  if (err instanceof UnexpectedResponseError) {
    return ApplicationFailure.create({ type, message, nonRetryable: true });
  }
  if (err instanceof ClientError) {
    return ApplicationFailure.create({ type, message, nonRetryable: false });
  }
  return ApplicationFailure.create({ type, message, nonRetryable: false, cause: err instanceof Error ? err : undefined });
}

/** Wraps every function of an activity object so that what it throws is classified by toApplicationFailure. */
export function classifyingErrors<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  return wrapEach(activities, async (call) => {
    try {
      return await call();
    } catch (err) {
      throw toApplicationFailure(err);
    }
  });
}
