import { parseCommandText } from '../../../../src/api/slack/command-text';

describe('parseCommandText', () => {
  it.each([
    ['/ops', 'resolve INC0010001', { kind: 'resolve', incidentNumber: 'INC0010001' }],
    ['/ops', '  RESOLVE   inc0010001 ', { kind: 'resolve', incidentNumber: 'INC0010001' }],
    ['/ops-resolve', 'INC0010001', { kind: 'resolve', incidentNumber: 'INC0010001' }],
    ['/ops', '', { kind: 'help' }],
    ['/ops', 'help', { kind: 'help' }],
  ])('%s %j', (command, text, expected) => {
    expect(parseCommandText(command, text)).toEqual(expected);
  });

  it.each([
    ['/ops', 'resolve', 'Which incident?'],
    ['/ops', 'resolve INC12', 'is not an incident number'],
    ['/ops', 'resolve INC0010001 INC0010002', 'is not an incident number'],
    ['/ops', 'resolve INC0010001; rm -rf /', 'is not an incident number'],
    ['/ops-resolve', '', 'Which incident?'],
    ['/ops', 'reboot prod', "I don't know `reboot`"],
  ])('%s %j is refused with a reason', (command, text, problem) => {
    const parsed = parseCommandText(command, text);
    expect(parsed.kind).toBe('invalid');
    expect(parsed.kind === 'invalid' && parsed.problem).toContain(problem);
  });
});
