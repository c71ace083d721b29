import type { FakeAgent } from '../../src/sandbox/fake-agent';
import type { FakeServiceNow } from '../../src/sandbox/fake-servicenow';
import type { FakeSlack } from '../../src/sandbox/fake-slack';

export interface IncidentExpectation {
  /** Thread roots posted for it: 1 when OpsLoop opened its thread, 0 when it never should have. */
  threads: number;
  /** Transitions to Resolved (state 6) at the fake ServiceNow. */
  resolved: number;
}

/**
 * Checker item 4: side effects at the fakes happened exactly as often as expected, and never twice for any incident
 * the run touched: one thread root per incident (later stages edit it in place), at most one transition to Resolved,
 * no work note written twice; and no message a workflow posted (one per activity) posted twice.
 */
export function checkFakes(slack: FakeSlack, servicenow: FakeServiceNow, touched: Iterable<string>, expected: Record<string, IncidentExpectation>): string[] {
  const violations: string[] = [];
  for (const number of new Set([...touched, ...Object.keys(expected)])) {
    const roots = slack.calls.filter((c) => c.method === 'chat.postMessage' && !c.args.thread_ts && String(c.args.text).startsWith(`${number} ·`)).length;
    const resolved = servicenow.transitions.filter((t) => t.number === number && t.to === '6').length;
    const want = expected[number];
    if (want ? roots !== want.threads : roots > 1) violations.push(`${number}: ${roots} Slack thread root(s), expected ${want ? want.threads : 'at most 1'}`);
    if (want ? resolved !== want.resolved : resolved > 1) violations.push(`${number}: resolved ${resolved} time(s) in ServiceNow, expected ${want ? want.resolved : 'at most 1'}`);
    const notes = servicenow.incident(number)?.work_notes ?? [];
    const repeated = notes.filter((n, i) => notes.indexOf(n) !== i);
    if (repeated.length > 0) violations.push(`${number}: work note written ${repeated.length + 1} times: ${repeated[0]!.slice(0, 80)}`);
  }
  // Every other message a workflow posts carries its run and activity id: one activity, one message.
  const postIds = slack.messages.map((m) => m.metadata?.event_payload?.post_id).filter((id) => typeof id === 'string');
  const posted = new Map<string, number>();
  for (const id of postIds) posted.set(id, (posted.get(id) ?? 0) + 1);
  for (const [id, count] of posted) if (count > 1) violations.push(`Slack message ${id} posted ${count} times`);
  return violations;
}

/** The agent was asked once per incident: never two tasks for one incident, whatever was retried or redelivered. */
export function checkAgentTasks(agent: FakeAgent): string[] {
  const perIncident = new Map<string, number>();
  for (const task of agent.backlog.tasks.values()) {
    const number = task.reference?.referenceId ?? '(no reference)';
    perIncident.set(number, (perIncident.get(number) ?? 0) + 1);
  }
  return [...perIncident].filter(([, count]) => count > 1).map(([number, count]) => `${number}: ${count} agent tasks, expected at most 1`);
}

/** Checker item 5: no configured secret in anything the processes printed. Names the secret, never its value. */
export function checkSecrets(output: readonly string[], secrets: Record<string, string>): string[] {
  return Object.entries(secrets).flatMap(([name, value]) => {
    const leaks = output.filter((line) => line.includes(value));
    return leaks.length > 0 ? [`${name} appears in ${leaks.length} log line(s), e.g. ${leaks[0]!.replace(value, '<secret>').slice(0, 160)}`] : [];
  });
}
