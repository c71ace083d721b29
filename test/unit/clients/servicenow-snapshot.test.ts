import { createServer, type Server } from 'node:http';
import { toIncidentSnapshot } from '../../../src/api/servicenow-event';
import { createServiceNowClient } from '../../../src/clients/servicenow/client';
import { serviceNowEventSchema } from '../../../src/contracts/schemas/servicenow-event';
import { startFakeServiceNow, type FakeServiceNow } from '../../../src/sandbox/fake-servicenow';

const AUTH = { username: 'opsloop.integration', password: 'sandbox-password' };

describe('an incident read through the Table API and one posted by the Business Rule are the same snapshot', () => {
  let servicenow: FakeServiceNow;
  let receiver: Server;
  const posted: string[] = [];
  const client = () => createServiceNowClient({ instanceUrl: servicenow.url, ...AUTH, timeoutMs: 5_000 });

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        posted.push(body);
        res.statusCode = 202;
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    servicenow = await startFakeServiceNow({ ...AUTH, seed: false });
    servicenow.installBusinessRule({ url: `http://127.0.0.1:${(receiver.address() as { port: number }).port}`, secret: 'sandbox-webhook-secret' });
  });
  afterAll(async () => {
    await servicenow.close();
    await new Promise((r) => receiver.close(r));
  });

  const lastPosted = async () => {
    await servicenow.settled();
    return toIncidentSnapshot(serviceNowEventSchema.parse(JSON.parse(posted.at(-1)!)));
  };

  it('for a new incident and after each change, by number (webhook and /ops investigate) and by the reconcile read', async () => {
    const { number } = servicenow.createIncident({
      short_description: 'Checkout API 5xx above 5%',
      description: 'Alarm fired',
      state: '2',
      impact: '1',
      urgency: '2',
      assignment_group: 'Payments SRE',
      cmdb_ci: 'checkout-api',
      caller_id: 'Beth Anglin',
    });
    const reconciled = async () => (await client().listChangedAfter({ after: { sysUpdatedOn: '2000-01-01 00:00:00' }, before: '2999-01-01 00:00:00', limit: 100 })).find((s) => s.number === number);

    const webhook = await lastPosted();
    expect(webhook).toMatchObject({ number, assignmentGroup: 'Payments SRE', cmdbCi: 'checkout-api', priority: '2', state: '2' });
    expect(await client().getSnapshotByNumber(number)).toEqual(webhook);
    expect(await reconciled()).toEqual(webhook);

    servicenow.updateIncident(number, { assignment_group: 'Database', cmdb_ci: 'orders-db', state: '3' });
    const changed = await lastPosted();
    expect(changed).toMatchObject({ assignmentGroup: 'Database', cmdbCi: 'orders-db', state: '3', sysModCount: 1 });
    expect(await client().getSnapshotByNumber(number)).toEqual(changed);
    expect(await reconciled()).toEqual(changed);
  });

  it("stores /ops incident's configuration item as a reference, and names an unknown one in the description instead", async () => {
    const known = await client().createIncident({ short_description: 'Search results empty', description: 'Since 09:00', priority: '2', cmdb_ci: 'search-api' });
    expect(servicenow.incident(known.number)?.cmdb_ci).toBe(servicenow.tables.rows('cmdb_ci').find((ci) => ci.name === 'search-api')?.sys_id);
    expect(known).toMatchObject({ cmdbCi: 'search-api', description: 'Since 09:00' });

    const unknown = await client().createIncident({ short_description: 'Mystery box down', description: '', priority: '3', cmdb_ci: 'mystery-box' });
    expect(servicenow.incident(unknown.number)?.cmdb_ci).toBe('');
    expect(unknown).toMatchObject({ cmdbCi: '', description: 'Configuration item given in Slack, not found in the CMDB: mystery-box' });
  });
});
