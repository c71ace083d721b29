import { ApplicationFailure } from '@temporalio/common';
import { toApplicationFailure } from '../../../src/activities/to-failure';
import { HttpError, IncidentNotFoundError, NetworkError, OnCallNotConfiguredError, PagerDutyError, SlackApiError, TimeoutError, UnexpectedResponseError } from '../../../src/clients/errors';

const target = 'ServiceNow PATCH incident/abc';

describe('toApplicationFailure', () => {
  it.each([
    [new HttpError(target, 503, 'unavailable'), false],
    [new HttpError(target, 500, ''), false],
    [new HttpError(target, 408, ''), false],
    [new NetworkError('reset', target), false],
    [new TimeoutError('slow', target), false],
    [new SlackApiError('Slack chat.postMessage', 'internal_error'), false],
    [new HttpError(target, 400, 'bad'), true],
    [new HttpError(target, 401, ''), true],
    [new HttpError(target, 403, 'Data Policy Exception'), true],
    [new HttpError(target, 404, 'No Record found'), true],
    [new IncidentNotFoundError('INC0000001'), true],
    [new SlackApiError('Slack chat.postMessage', 'channel_not_found'), true],
    [new UnexpectedResponseError('shape', target), true],
    [new PagerDutyError('PagerDuty Events API enqueue', 429, 'Request Limit Exceeded', []), false],
    [new PagerDutyError('PagerDuty Events API enqueue', 502, '', []), false],
    [new PagerDutyError('PagerDuty Events API enqueue', 400, 'Event object is invalid', ["'payload.severity' must be one of critical, error, warning, info"]), true],
    [new PagerDutyError('PagerDuty REST API GET /oncalls', 401, 'Authentication failed', []), true],
    [new PagerDutyError('PagerDuty REST API GET /oncalls', 403, 'Access Denied', []), true],
    [new PagerDutyError('PagerDuty REST API GET /oncalls', 404, 'Not Found', []), true],
    [new OnCallNotConfiguredError('set PAGERDUTY_API_TOKEN', 'PagerDuty REST API'), true],
  ])('%s → nonRetryable=%s', (err, nonRetryable) => {
    const failure = toApplicationFailure(err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.nonRetryable).toBe(nonRetryable);
    expect(failure.type).toBe(err.constructor.name);
  });

  it('turns Retry-After into the next retry delay', () => {
    expect(toApplicationFailure(new HttpError(target, 429, '', 7000)).nextRetryDelay).toBe(7000);
    expect(toApplicationFailure(new SlackApiError('Slack chat.update', 'rate_limited', 2000)).nextRetryDelay).toBe(2000);
    expect(toApplicationFailure(new HttpError(target, 503, '')).nextRetryDelay).toBeUndefined();
    expect(toApplicationFailure(new PagerDutyError('PagerDuty Events API enqueue', 429, '', [], 30_000)).nextRetryDelay).toBe(30_000);
  });

  it('writes messages a person can act on', () => {
    expect(toApplicationFailure(new HttpError(target, 401, '')).message).toContain('credentials were not accepted');
    expect(toApplicationFailure(new HttpError(target, 403, 'Data Policy Exception: mandatory')).message).toContain('Data Policy Exception');
    expect(toApplicationFailure(new PagerDutyError('PagerDuty Events API enqueue', 400, 'Event object is invalid', ["'payload.source' is missing or blank"])).message).toBe(
      "PagerDuty refused the request as invalid (400): Event object is invalid: 'payload.source' is missing or blank",
    );
  });
});
