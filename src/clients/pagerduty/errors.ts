import { PagerDutyError } from '../errors';
import { eventsErrorSchema, restErrorSchema } from './shapes';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Removes every secret from PagerDuty's words before they travel anywhere (an error may echo what it was sent). */
const redact = (text: string, secrets: readonly string[]): string =>
  secrets.filter((s) => s.length >= 8).reduce((out, secret) => out.split(secret).join('[redacted]'), text).slice(0, 300);

/** Reads either API's error body into a PagerDutyError; a body it cannot read leaves only the status. */
export function pagerDutyErrorFor(target: string, secrets: readonly string[]) {
  return ({ status, text, retryAfterMs }: { status: number; text: string; retryAfterMs?: number }): PagerDutyError => {
    const body = parseJson(text);
    const rest = restErrorSchema.safeParse(body);
    const events = eventsErrorSchema.safeParse(body);
    const message = rest.success ? (rest.data.error.message ?? '') : events.success ? (events.data.message ?? events.data.status ?? '') : '';
    const errors = rest.success ? (rest.data.error.errors ?? []) : events.success ? (events.data.errors ?? []) : [];
    return new PagerDutyError(target, status, redact(message, secrets), errors.slice(0, 10).map((e) => redact(e, secrets)), retryAfterMs);
  };
}
