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
    ['/ops', 'jobs please', 'takes no arguments'],
    ['/ops-resolve', '', 'Which incident?'],
    ['/ops', 'reboot prod', "I don't know `reboot`"],
  ])('%s %j is refused with a reason', (command, text, problem) => {
    const parsed = parseCommandText(command, text);
    expect(parsed.kind).toBe('invalid');
    expect(parsed.kind === 'invalid' && parsed.problem).toContain(problem);
  });

  it('lists only the commands given', () => {
    const text = usageText(['help', 'status']);
    expect(text).toContain('/ops status INC0010001');
    expect(text).not.toContain('/ops audit');
  });
});
