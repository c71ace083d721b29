/** Base of every error an outbound client throws; `target` names the operation, never a credential. */
export class ClientError extends Error {
  constructor(
    message: string,
    readonly target: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Thrown when a remote system answered with a non-success HTTP status. */
export class HttpError extends ClientError {
  constructor(
    target: string,
    readonly status: number,
    readonly detail: string,
    /** From Retry-After, when the server sent a readable one. */
    readonly retryAfterMs?: number,
  ) {
    super(`${target} failed: ${status}${detail ? ` ${detail}` : ''}`, target);
  }
}

/** Thrown when the request never got an HTTP answer (DNS, refused, reset). */
export class NetworkError extends ClientError {}

/** Thrown when the remote system did not answer within the client's timeout. */
export class TimeoutError extends ClientError {}

/** Thrown when Slack's Web API answered `ok: false` (e.g. channel_not_found) or rate-limited the call. */
export class SlackApiError extends ClientError {
  constructor(
    target: string,
    readonly code: string,
    readonly retryAfterMs?: number,
    /** What a person can do about it, when OpsLoop knows (e.g. invite the bot to the channel). */
    hint?: string,
  ) {
    super(`${target} failed: ${code}${hint ? `. ${hint}` : ''}`, target);
  }
}

/** Thrown when ServiceNow has no incident with the requested number (or an ACL hides it). */
export class IncidentNotFoundError extends ClientError {
  constructor(readonly incidentNumber: string) {
    super(`ServiceNow has no incident ${incidentNumber} (or the integration user may not read it)`, 'ServiceNow');
  }
}

/** Thrown when a remote system answered 2xx with a body we cannot use. */
export class UnexpectedResponseError extends ClientError {}

/**
 * Thrown when the AWS DevOps Agent API answered with one of its modelled errors (`x-amzn-errortype`), e.g.
 * AccessDeniedException 403, ThrottlingException 429, ServiceQuotaExceededException 402.
 */
export class AgentApiError extends ClientError {
  constructor(
    /** The API operation, e.g. "CreateBacklogTask"; the IAM action is `aidevops:<operation>`. */
    readonly operation: string,
    readonly code: string,
    readonly status: number,
    readonly detail: string,
    readonly retryAfterMs?: number,
  ) {
    super(`AWS DevOps Agent ${operation} failed: ${status} ${code}${detail ? `: ${detail}` : ''}`, `AWS DevOps Agent ${operation}`);
  }

  /** Throttling and the service's own faults pass; the agent's refusals (access, validation, quota, missing) do not. */
  get retryable(): boolean {
    return this.code === 'ThrottlingException' || this.status === 429 || this.status >= 500;
  }

  /** What a person in the incident's thread can act on. */
  get refusal(): string {
    const action = `aidevops:${this.operation}`;
    switch (this.code) {
      case 'AccessDeniedException':
        return `the agent refused: access denied for ${action} — check the worker's IAM role`;
      case 'ServiceQuotaExceededException':
        return `the agent refused: the Agent Space is over a service quota (${action}) — check its usage or raise the quota`;
      case 'ResourceNotFoundException':
        return `the agent refused: not found for ${action} — check AWS_DEVOPS_AGENT_SPACE_ID and the task`;
      case 'ValidationException':
        return `the agent refused ${action} as invalid${this.detail ? ` (${this.detail})` : ''} — check AWS_DEVOPS_AGENT_ASSOCIATION_ID and the incident's fields`;
      default:
        return `the agent failed ${action}: ${this.code}${this.detail ? ` (${this.detail})` : ''}`;
    }
  }
}

/**
 * Thrown when PagerDuty answered with an error: the Events API's `{ status, message, errors }` or the REST API's
 * `{ error: { message, code, errors } }`. Carries PagerDuty's own words, never the routing key or the API token.
 */
export class PagerDutyError extends ClientError {
  constructor(
    /** e.g. "PagerDuty Events API enqueue" or "PagerDuty REST API GET /oncalls". */
    target: string,
    readonly status: number,
    /** PagerDuty's message ("Event object is invalid", "Authentication failed"), '' when it sent none. */
    readonly pagerDutyMessage: string,
    /** PagerDuty's `errors` array: what was wrong with the request. */
    readonly errors: readonly string[],
    readonly retryAfterMs?: number,
  ) {
    const words = [pagerDutyMessage, errors.join('; ')].filter(Boolean).join(': ');
    super(`${target} failed: ${status}${words ? ` ${words}` : ''}`, target);
  }

  /** Throttling, a timeout on PagerDuty's side and its 5xx pass; a refusal of the request does not. */
  get retryable(): boolean {
    return this.status === 429 || this.status === 408 || this.status >= 500;
  }

  /** What a person can act on when PagerDuty refused the request. */
  get refusal(): string {
    const words = [this.pagerDutyMessage, this.errors.join('; ')].filter(Boolean).join(': ') || 'no reason given';
    switch (this.status) {
      case 400:
        return `PagerDuty refused the request as invalid (400): ${words}`;
      case 401:
        return `PagerDuty did not accept the credentials (401): ${words} — check PAGERDUTY_API_TOKEN (a REST API key)`;
      case 403:
        return `PagerDuty refused access (403): ${words} — the API key may not read on-calls`;
      case 404:
        return `PagerDuty found nothing (404): ${words}`;
      default:
        return `${this.target} failed (${this.status}): ${words}`;
    }
  }
}

/** Thrown when an on-call look-up needs a credential OpsLoop was not given (PAGERDUTY_API_TOKEN). */
export class OnCallNotConfiguredError extends ClientError {}
