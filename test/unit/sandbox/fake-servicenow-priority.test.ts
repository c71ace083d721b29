import { createServiceNowClient } from '../../../src/clients/servicenow/client';
import { impactUrgencyFor } from '../../../src/servicenow/priority';
import { startFakeServiceNow, type FakeServiceNow } from '../../../src/sandbox/fake-servicenow';
import { SEED_INCIDENTS } from '../../../src/sandbox/seed-incidents';

const AUTH = { username: 'opsloop.integration', password: 'sandbox-password' };

describe('the fake ServiceNow computes priority from impact × urgency, as the default priority lookup does', () => {
  let servicenow: FakeServiceNow;
  beforeAll(async () => {
    servicenow = await startFakeServiceNow({ ...AUTH, seed: true });
  });
  afterAll(() => servicenow.close());

  const post = (body: Record<string, string>) =>
    fetch(`${servicenow.url}/api/now/table/incident`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Basic ${Buffer.from(`${AUTH.username}:${AUTH.password}`).toString('base64')}` },
      body: JSON.stringify(body),
    }).then(async (r) => (await r.json()) as { result: Record<string, string> });
  const patch = (sysId: string, body: Record<string, string>) =>
    fetch(`${servicenow.url}/api/now/table/incident/${sysId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Basic ${Buffer.from(`${AUTH.username}:${AUTH.password}`).toString('base64')}` },
      body: JSON.stringify(body),
    }).then(async (r) => (await r.json()) as { result: Record<string, string> });

  it.each([
    ['1', '1', '1'],
    ['1', '2', '2'],
    ['1', '3', '3'],
    ['2', '1', '2'],
    ['2', '2', '3'],
    ['2', '3', '4'],
    ['3', '1', '3'],
    ['3', '2', '4'],
    ['3', '3', '5'],
  ])('impact %s and urgency %s give priority %s, whatever priority the request wrote', async (impact, urgency, priority) => {
    const { result } = await post({ short_description: 'lookup', impact, urgency, priority: '1' });
    expect(result.priority).toBe(priority);
  });

  it('ignores a written priority on update and recomputes it when impact or urgency change', async () => {
    const { result: created } = await post({ short_description: 'raised later', impact: '2', urgency: '2' });
    expect((await patch(created.sys_id!, { priority: '1' })).result.priority).toBe('3');
    expect((await patch(created.sys_id!, { impact: '1' })).result.priority).toBe('2');
    expect(servicenow.updateIncident(created.number!, { urgency: '1' }).priority).toBe('1');
  });

  it('seeds the incidents the demo and the console describe: P2, P1, P3, P4', () => {
    expect(SEED_INCIDENTS.map((seed) => [seed.number, servicenow.incident(seed.number)?.priority])).toEqual([
      ['INC0010001', '2'],
      ['INC0010002', '1'],
      ['INC0010003', '3'],
      ['INC0010004', '4'],
    ]);
  });

  it.each(['1', '2', '3', '4', '5'] as const)('OpsLoop creating a P%s incident gets that priority in ServiceNow', async (priority) => {
    const client = createServiceNowClient({ instanceUrl: servicenow.url, ...AUTH, timeoutMs: 5_000 });
    const created = await client.createIncident({ short_description: `P${priority} from Slack`, description: '', priority, cmdb_ci: '' });
    expect(created.priority).toBe(priority);
    expect(servicenow.incident(created.number)).toMatchObject({ priority, ...impactUrgencyFor(priority) });
  });

  it('gives the fake’s own createIncident (a person at the form) the priority the shared mapping chose', () => {
    for (const priority of ['1', '2', '3', '4', '5'] as const) {
      expect(servicenow.createIncident({ short_description: 'at the form', ...impactUrgencyFor(priority) }).priority).toBe(priority);
    }
  });
});
