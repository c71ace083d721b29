import { createServer, type Server } from 'node:http';
import { startFakeServiceNow, type FakeServiceNow } from '../../../src/sandbox/fake-servicenow';

const AUTH = { username: 'opsloop.integration', password: 'sandbox-password' };
const authorization = `Basic ${Buffer.from(`${AUTH.username}:${AUTH.password}`).toString('base64')}`;

describe('the fake ServiceNow answers the Table API as an instance does', () => {
  let servicenow: FakeServiceNow;
  let sre: string;
  let checkout: string;
  let number: string;
  beforeAll(async () => {
    servicenow = await startFakeServiceNow({ ...AUTH, seed: false, maxRecords: 5 });
    const created = servicenow.createIncident(
      { short_description: 'Checkout 5xx', state: '2', impact: '1', urgency: '1', assignment_group: 'SRE', cmdb_ci: 'checkout-api', caller_id: 'Abel Tuter' },
      { at: Date.parse('2026-05-20T10:03:42Z') },
    );
    number = created.number;
    sre = created.assignment_group;
    checkout = created.cmdb_ci;
  });
  afterAll(() => servicenow.close());

  const get = async (path: string, params: Record<string, string> = {}) => {
    const res = await fetch(`${servicenow.url}${path}?${new URLSearchParams(params).toString()}`, { headers: { authorization, accept: 'application/json' } });
    return { status: res.status, headers: res.headers, body: (await res.json()) as { result: Record<string, unknown>[] & Record<string, unknown> } };
  };
  const one = async (params: Record<string, string>) => (await get('/api/now/table/incident', { sysparm_query: `number=${number}`, ...params })).body.result[0]!;

  it('stores reference fields as sys_ids of records in sys_user_group, cmdb_ci and sys_user', async () => {
    expect(sre).toMatch(/^[0-9a-f]{32}$/);
    expect(servicenow.tables.get('sys_user_group', sre)?.name).toBe('SRE');
    expect(servicenow.tables.get('cmdb_ci', checkout)?.name).toBe('checkout-api');
    const groups = await get('/api/now/table/sys_user_group', { sysparm_query: 'name=SRE', sysparm_fields: 'sys_id,name' });
    expect(groups.body.result).toEqual([{ sys_id: sre, name: 'SRE' }]);
    expect((await get(`/api/now/table/cmdb_ci/${checkout}`, { sysparm_fields: 'name' })).body.result).toEqual({ name: 'checkout-api' });
    expect(() => servicenow.createIncident({ short_description: 'x', cmdb_ci: 'no-such-ci' })).toThrow('no cmdb_ci record named "no-such-ci"');
  });

  it('returns each field as sysparm_display_value and sysparm_exclude_reference_link ask', async () => {
    const fields = 'assignment_group,state,priority,sys_updated_on,sys_mod_count';
    const link = `${servicenow.url}/api/now/table/sys_user_group/${sre}`;
    expect(await one({ sysparm_fields: fields })).toEqual({
      assignment_group: { link, value: sre },
      state: '2',
      priority: '1',
      sys_updated_on: '2026-05-20 10:03:42',
      sys_mod_count: '0',
    });
    expect(await one({ sysparm_fields: fields, sysparm_exclude_reference_link: 'true' })).toMatchObject({ assignment_group: sre });
    // Display values: the group's name, choice labels, and the date in the API user's time zone (America/Los_Angeles).
    expect(await one({ sysparm_fields: fields, sysparm_display_value: 'true' })).toEqual({
      assignment_group: { display_value: 'SRE', link },
      state: 'In Progress',
      priority: '1 - Critical',
      sys_updated_on: '2026-05-20 03:03:42',
      sys_mod_count: '0',
    });
    expect(await one({ sysparm_fields: fields, sysparm_display_value: 'true', sysparm_exclude_reference_link: 'true' })).toMatchObject({ assignment_group: 'SRE' });
    expect(await one({ sysparm_fields: fields, sysparm_display_value: 'all' })).toEqual({
      assignment_group: { display_value: 'SRE', link, value: sre },
      state: { display_value: 'In Progress', value: '2' },
      priority: { display_value: '1 - Critical', value: '1' },
      sys_updated_on: { display_value: '2026-05-20 03:03:42', value: '2026-05-20 10:03:42' },
      sys_mod_count: { display_value: '0', value: '0' },
    });
    expect(await one({ sysparm_fields: 'cmdb_ci,description', sysparm_display_value: 'all', sysparm_exclude_reference_link: 'true' })).toEqual({
      cmdb_ci: { display_value: 'checkout-api', value: checkout },
      description: { display_value: '', value: '' },
    });
  });

  it('stores what the API is sent in a reference field, and resolves a name only with sysparm_input_display_value=true', async () => {
    const post = (query: string) =>
      fetch(`${servicenow.url}/api/now/table/incident${query}`, {
        method: 'POST',
        headers: { authorization, accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify({ short_description: 'from the API', cmdb_ci: 'checkout-api' }),
      }).then(async (r) => ((await r.json()) as { result: Record<string, { display_value: string; value: string }> }).result);
    // A name is not a sys_id: stored as sent, it references nothing and displays as empty.
    expect((await post('?sysparm_display_value=all&sysparm_exclude_reference_link=true')).cmdb_ci).toEqual({ display_value: '', value: 'checkout-api' });
    expect((await post('?sysparm_display_value=all&sysparm_exclude_reference_link=true&sysparm_input_display_value=true')).cmdb_ci).toEqual({ display_value: 'checkout-api', value: checkout });
  });
});

describe('the fake ServiceNow evaluates encoded queries, ORDERBY and paging as the Table API does', () => {
  let servicenow: FakeServiceNow;
  const numbers: string[] = [];
  beforeAll(async () => {
    servicenow = await startFakeServiceNow({ ...AUTH, seed: false, maxRecords: 5 });
    const at = Date.parse('2026-05-20T10:00:00Z');
    // Eight incidents; 2 and 3 share a second, 6 is in another group.
    for (const [i, second] of [0, 1, 1, 2, 3, 4, 5, 6].entries()) {
      const group = i === 6 ? 'Network' : 'SRE';
      numbers.push(servicenow.createIncident({ short_description: `Incident ${i}`, assignment_group: group, state: i % 2 ? '2' : '1' }, { at: at + second * 1000 }).number);
    }
  });
  afterAll(() => servicenow.close());

  const list = async (params: Record<string, string>) => {
    const res = await fetch(`${servicenow.url}/api/now/table/incident?${new URLSearchParams({ sysparm_fields: 'number,sys_id,sys_updated_on', ...params }).toString()}`, {
      headers: { authorization, accept: 'application/json' },
    });
    const body = (await res.json()) as { result: { number: string; sys_id: string; sys_updated_on: string }[] };
    return { rows: body.result, total: res.headers.get('x-total-count'), link: res.headers.get('link') ?? '' };
  };
  const numbersOf = async (query: string, params: Record<string, string> = {}) => (await list({ sysparm_query: query, ...params })).rows.map((r) => numbers.indexOf(r.number));

  it('supports the operators, ^OR, ^NQ and dot-walking, case-insensitively, ignoring an invalid part', async () => {
    expect(await numbersOf('assignment_group.name=network')).toEqual([6]);
    expect(await numbersOf('assignment_group.name!=SRE')).toEqual([6]);
    expect(await numbersOf('short_descriptionLIKEdent 7^ORshort_descriptionSTARTSWITHincident 0')).toEqual([0, 7]);
    expect(await numbersOf('sys_updated_on>2026-05-20 10:00:04^ORDERBYsys_updated_on')).toEqual([6, 7]);
    expect(await numbersOf('sys_updated_on>=2026-05-20 10:00:05^ORDERBYsys_updated_on')).toEqual([6, 7]);
    expect(await numbersOf('sys_updated_on<2026-05-20 10:00:01')).toEqual([0]);
    expect(await numbersOf('stateIN2^sys_updated_on<=2026-05-20 10:00:02^ORDERBYsys_updated_on')).toEqual([1, 3]);
    expect(await numbersOf('sys_updated_on>2026-05-20 10:00:05^NQsys_updated_on=2026-05-20 10:00:00^ORDERBYsys_updated_on')).toEqual([0, 7]);
    expect(await numbersOf('no_such_field=1^assignment_group.name=Network')).toEqual([6]);
    expect(await numbersOf('descriptionISEMPTY^assignment_group.nameISNOTEMPTY^ORDERBYDESCsys_updated_on^sys_updated_on>2026-05-20 10:00:04')).toEqual([7, 6]);
  });

  it('orders ties by the next ORDERBY, so a (sys_updated_on, sys_id) cursor is unambiguous', async () => {
    const { rows } = await list({ sysparm_query: 'sys_updated_on=2026-05-20 10:00:01^ORDERBYsys_updated_on^ORDERBYsys_id' });
    expect(rows.map((r) => r.sys_id)).toEqual([...rows.map((r) => r.sys_id)].sort());
    const [first] = rows;
    const after = await list({
      sysparm_query: `sys_updated_on>2026-05-20 10:00:01^NQsys_updated_on=2026-05-20 10:00:01^sys_id>${first!.sys_id}^ORDERBYsys_updated_on^ORDERBYsys_id`,
    });
    expect(after.rows[0]!.sys_id).toBe(rows[1]!.sys_id);
    expect(after.total).toBe('6');
  });

  it('pages with sysparm_offset and sysparm_limit, says the total and links the pages, and caps sysparm_limit', async () => {
    const first = await list({ sysparm_query: 'ORDERBYsys_updated_on^ORDERBYsys_id', sysparm_limit: '3' });
    const second = await list({ sysparm_query: 'ORDERBYsys_updated_on^ORDERBYsys_id', sysparm_limit: '3', sysparm_offset: '3' });
    const third = await list({ sysparm_query: 'ORDERBYsys_updated_on^ORDERBYsys_id', sysparm_limit: '3', sysparm_offset: '6' });
    expect([...first.rows, ...second.rows, ...third.rows].map((r) => r.number).sort()).toEqual([...numbers].sort());
    expect(first.total).toBe('8');
    expect(first.link).toContain('sysparm_offset=3&sysparm_limit=3>;rel="next"');
    expect(third.link).not.toContain('rel="next"');
    // This instance returns at most 5 rows a request, whatever sysparm_limit asks.
    const capped = await list({ sysparm_limit: '100' });
    expect(capped.rows).toHaveLength(5);
    expect(capped.total).toBe('8');
    expect(capped.link).toContain('sysparm_offset=5&sysparm_limit=5>;rel="next"');
  });
});

describe("the fake ServiceNow's Business Rule", () => {
  let servicenow: FakeServiceNow;
  let server: Server;
  const received: { number: string; assignment_group: string; cmdb_ci: string }[] = [];
  beforeAll(async () => {
    servicenow = await startFakeServiceNow({ ...AUTH, seed: false });
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body) as (typeof received)[number]);
        res.statusCode = 202;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await servicenow.close();
    await new Promise((r) => server.close(r));
  });

  it('sends display values of references, and only incidents matching its condition (GlideFilter, case-insensitive)', async () => {
    const address = server.address() as { port: number };
    servicenow.installBusinessRule({ url: `http://127.0.0.1:${address.port}`, secret: 's', condition: 'assignment_group.name=sre^priority<=3' });
    const sent = servicenow.createIncident({ short_description: 'sent', assignment_group: 'SRE', cmdb_ci: 'web-01', impact: '1', urgency: '1' });
    servicenow.createIncident({ short_description: 'other group', assignment_group: 'Network', impact: '1', urgency: '1' });
    servicenow.createIncident({ short_description: 'low priority', assignment_group: 'SRE', impact: '3', urgency: '3' });
    await servicenow.settled();
    expect(received).toEqual([expect.objectContaining({ number: sent.number, assignment_group: 'SRE', cmdb_ci: 'web-01' })]);
  });
});
