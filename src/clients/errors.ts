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
