import { closeNotesOf, decisionRequestOf, evidenceOf, requiredApprovalsFor, sameRequest } from '../../src/workflows/incident-investigation/evidence';
import { checkedProposal, incident, settings } from '../workflows/fixtures';

const thread = { channel: 'C1', ts: '1.1' };
const findings = { incidentNumber: 'INC0020001', status: 'completed' as const, summary: 'Disk full.', source: 'agent', rootCause: 'Log rotation' };
const context = (overrides: Partial<Parameters<typeof decisionRequestOf>[0]> = {}) => ({
  incident: incident(),
  findings,
  proposal: undefined,
  settings: settings(),
  thread,
  requester: undefined,
  mayEscalate: true,
  ...overrides,
});

describe('what an investigation shows and asks', () => {
  it('takes the stricter of the incident rule and the proposed action rule', () => {
    expect(requiredApprovalsFor(settings({ requiredApprovals: 1 }), checkedProposal('failover'))).toBe(2);
    expect(requiredApprovalsFor(settings({ requiredApprovals: 2 }), checkedProposal('restart'))).toBe(2);
    expect(requiredApprovalsFor(settings({ requiredApprovals: 1 }), { valid: false, label: 'x', reason: 'unknown action' })).toBe(1);
  });

  it('asks to run a valid proposal with its preview, and only to resolve otherwise', () => {
    const withAction = decisionRequestOf(context({ proposal: checkedProposal('failover') }));
    expect(withAction).toMatchObject({ question: 'Run the proposed action, then resolve INC0020001?', requiredApprovals: 2, preview: expect.stringContaining('failover') });
    const without = decisionRequestOf(context());
    expect(without).toMatchObject({ question: 'Resolve INC0020001 in ServiceNow?', requiredApprovals: 1, preview: undefined });
    expect(decisionRequestOf(context({ mayEscalate: false })).choices).toEqual(['approve', 'reject']);
  });

  it('treats a changed proposal, rule or evidence as a different request', () => {
    const base = decisionRequestOf(context());
    expect(sameRequest(base, decisionRequestOf(context()))).toBe(true);
    expect(sameRequest(base, decisionRequestOf(context({ proposal: checkedProposal('restart') })))).toBe(false);
    expect(sameRequest(base, decisionRequestOf(context({ settings: settings({ requiredApprovals: 2 }) })))).toBe(false);
    expect(sameRequest(base, decisionRequestOf(context({ incident: incident({ priority: '1' }) })))).toBe(false);
  });

  it('shows the action a rule mapped from the mitigation plan first, with the rule and line, then the plan; or that nothing will run', () => {
    const plan = { ...findings, mitigation: '1. Restart the `checkout-api` service.' };
    const mapped = { ...checkedProposal('restart'), origin: { rule: 'restart-named', line: '1. Restart the `checkout-api` service.' } };
    const evidence = evidenceOf(incident(), plan, mapped, 1);
    expect(evidence).toContain('**Mitigation plan**\n\n1. Restart the `checkout-api` service.');
    expect(evidence).toContain("**Proposed:** `restart` (will execute /bin/true restart (approval: one))\n_Mapped from the mitigation plan by the runbook's `restart-named` rule, from: “1. Restart the `checkout-api` service.”_");
    expect(evidence.indexOf('**Proposed:**')).toBeLessThan(evidence.indexOf('**Mitigation plan**'));
    expect(evidence.indexOf('**Mitigation plan**')).toBeLessThan(evidence.indexOf('**Findings**'));
    expect(evidence).not.toContain('approving runs nothing');
    const unmapped = evidenceOf(incident(), plan, undefined, 1);
    expect(unmapped).toContain('**Mitigation plan**');
    expect(unmapped).toContain('No `proposals:` rule of the runbook matches this plan: approving runs nothing');
    expect(unmapped).not.toContain('*Proposed');
  });

  it('says when there are no findings, and shows an invalid proposal as text only', () => {
    expect(evidenceOf(incident(), undefined, undefined, 120_000)).toContain('no findings within 2 min');
    expect(evidenceOf(incident(), findings, { valid: false, label: 'rm -rf', reason: 'not in the catalog' }, 1)).toContain('shown as text only; it cannot be run from here: not in the catalog');
    expect(closeNotesOf(findings, 'U1', 'Remediation: ran `restart`.')).toBe(
      'Resolved through OpsLoop after approval by Slack user U1.\nCause: Log rotation\nFindings (agent): Disk full.\nRemediation: ran `restart`.',
    );
  });
});
