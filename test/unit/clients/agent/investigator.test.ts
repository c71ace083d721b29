import { toGenericWebhookPayload } from '../../../../src/clients/agent/investigator';
import { request } from '../../../helpers/agent-fixtures';

describe('toGenericWebhookPayload', () => {
  const now = new Date('2026-04-21T18:05:10.826Z');

  it('maps the request onto the documented generic webhook fields', () => {
    expect(toGenericWebhookPayload(request(), now)).toEqual({
      eventType: 'incident',
      incidentId: 'INC0010001',
      action: 'created',
      priority: 'CRITICAL',
      title: 'Checkout latency above 2 s',
      description: 'p99 latency of checkout-api rose after the 14:00 deploy',
      timestamp: '2026-04-21T18:05:10.826Z',
      service: 'checkout-api',
      data: {
        sysId: '9d385017c611228701d22104cc95c371',
        incidentUrl: 'https://dev.service-now.com/incident.do?sys_id=9d385017c611228701d22104cc95c371',
        source: 'opsloop',
      },
    });
  });

  it.each([
    ['1', 'CRITICAL'],
    ['2', 'HIGH'],
    ['3', 'MEDIUM'],
    ['4', 'LOW'],
    ['5', 'MINIMAL'],
    ['0', 'MEDIUM'],
    ['', 'MEDIUM'],
    ['1 - Critical', 'MEDIUM'],
  ])('maps ServiceNow priority %p to %s', (priority, expected) => {
    expect(toGenericWebhookPayload(request({ priority }), now).priority).toBe(expected);
  });

  it('leaves out the optional service and incident URL when unknown', () => {
    const payload = toGenericWebhookPayload(request({ service: undefined, incidentUrl: undefined, action: 'resolved' }), now);
    expect(payload).not.toHaveProperty('service');
    expect(payload.data).toEqual({ sysId: '9d385017c611228701d22104cc95c371', source: 'opsloop' });
    expect(payload.action).toBe('resolved');
  });
});
