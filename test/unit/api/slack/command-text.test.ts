import { parseCommandText, usageText } from '../../../../src/api/slack/command-text';

describe('parseCommandText', () => {
  it.each([
    ['/ops', 'resolve INC0010001', { kind: 'resolve', incidentNumber: 'INC0010001' }],
    ['/ops', '  RESOLVE   inc0010001 ', { kind: 'resolve', incidentNumber: 'INC0010001' }],
    ['/ops', 'resolve INC0010001 restarted   the pool', { kind: 'resolve', incidentNumber: 'INC0010001', notes: 'restarted the pool' }],
    ['/ops-resolve', 'INC0010001', { kind: 'resolve', incidentNumber: 'INC0010001' }],
    ['/ops', '', { kind: 'help' }],
    ['/ops', 'help', { kind: 'help' }],
    ['/ops', 'status inc0010001', { kind: 'status', incidentNumber: 'INC0010001' }],
    ['/ops', 'investigate INC0010001', { kind: 'investigate', incidentNumber: 'INC0010001' }],
    ['/ops', 'approve INC0010001', { kind: 'approve', incidentNumber: 'INC0010001' }],
    ['/ops', 'reject INC0010001', { kind: 'reject', incidentNumber: 'INC0010001' }],
    ['/ops', 'audit INC0010001', { kind: 'audit', incidentNumber: 'INC0010001' }],
    ['/ops', 'timeline inc0010001', { kind: 'timeline', incidentNumber: 'INC0010001' }],
    ['/ops', 'jobs', { kind: 'jobs' }],
    ['/ops', 'Incident', { kind: 'incident' }],
  ])('%s %j', (command, text, expected) => {
    expect(parseCommandText(command, text)).toEqual(expected);
  });

  it.each([
    ['/ops', 'resolve', 'Which incident?'],
    ['/ops', 'resolve INC12', 'is not an incident number'],
    ['/ops', 'resolve INC0010001;', 'is not an incident number'],
    ['/ops', 'status INC0010001 now', 'takes only an incident number'],
    ['/ops', 'timeline INC0010001 please', 'takes only an incident number'],
    ['/ops', 'timeline', 'Which incident?'],
    ['/ops', 'jobs please', 'takes no arguments'],
    ['/ops-resolve', '', 'Which incident?'],
    ['/ops', 'reboot prod', "I don't know `reboot`"],
  ])('%s %j is refused with a reason', (command, text, problem) => {
    const parsed = parseCommandText(command, text);
    expect(parsed.kind).toBe('invalid');
    expect(parsed.kind === 'invalid' && parsed.problem).toContain(problem);
  });

  it.each([
    ['status', { kind: 'status', incidentNumber: 'INC0020002' }],
    ['timeline', { kind: 'timeline', incidentNumber: 'INC0020002' }],
    ['approve', { kind: 'approve', incidentNumber: 'INC0020002' }],
    ['approve looks right', { kind: 'approve', incidentNumber: 'INC0020002', comment: 'looks right' }],
    ['reject not yet', { kind: 'reject', incidentNumber: 'INC0020002', comment: 'not yet' }],
    ['resolve increased the pool size', { kind: 'resolve', incidentNumber: 'INC0020002', notes: 'increased the pool size' }],
    ['resolve INC0010001 restarted', { kind: 'resolve', incidentNumber: 'INC0010001', notes: 'restarted' }],
    ['status INC0010001', { kind: 'status', incidentNumber: 'INC0010001' }],
  ])('in the thread of INC0020002, %j', (text, expected) => {
    expect(parseCommandText('/ops', text, { incidentNumber: 'INC0020002' })).toEqual(expected);
  });

  it('marks an incident command without a number (a thread may name it), but not a mistyped number', () => {
    expect(parseCommandText('/ops', 'status')).toMatchObject({ kind: 'invalid', lacksIncident: true });
    expect(parseCommandText('/ops', 'resolve fixed it')).toMatchObject({ kind: 'invalid', lacksIncident: true });
    const typo = parseCommandText('/ops', 'resolve INC12 fixed', { incidentNumber: 'INC0020002' });
    expect(typo).toMatchObject({ kind: 'invalid', problem: expect.stringContaining('is not an incident number') });
    expect(typo).not.toHaveProperty('lacksIncident');
  });

  it('lists only the commands given', () => {
    const text = usageText(['help', 'status']);
    expect(text).toContain('/ops status INC0010001');
    expect(text).not.toContain('/ops audit');
  });
});
