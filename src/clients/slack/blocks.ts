import type { KnownBlock } from '@slack/web-api';
import { DECISION_ACTION_PREFIX, PREVIEW_ACTION, type ApprovalOutcome, type ApprovalRequest, type DecisionChoice } from '../../contracts/decision';
import type { IncidentView } from '../../contracts/investigation';
import type { SlackMessage } from './client';
import { SLACK_LIMITS } from './limits';
import { cutMrkdwn, escapeMrkdwn, fullTextPointer, renderMarkdown } from './mrkdwn';

export type { IncidentView };

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: cutMrkdwn(text, SLACK_LIMITS.sectionText) } });

/**
 * Section blocks the evidence takes at most: three full sections and the rest of the message stay below the combined
 * size Slack rejects in practice (SLACK_LIMITS.messageBlocksText); longer evidence is cut with a pointer to the full text.
 */
const EVIDENCE_SECTIONS = Math.floor((SLACK_LIMITS.messageBlocksText - SLACK_LIMITS.sectionText) / SLACK_LIMITS.sectionText);

/** The evidence (Markdown) as consecutive section blocks. */
function evidenceBlocks(req: ApprovalRequest): KnownBlock[] {
  const pieces = renderMarkdown(req.evidence, { maxChars: SLACK_LIMITS.sectionText, maxPieces: EVIDENCE_SECTIONS, tail: fullTextPointer(req.evidenceUrl) });
  return (pieces.length ? pieces : ['_No findings._']).map(section);
}

const STAGE_LABEL: Record<string, string> = {
  investigating: ':mag: Investigating',
  'awaiting-decision': ':raised_hand: Awaiting decision',
  resolving: ':hourglass_flowing_sand: Resolving',
  resolved: ':white_check_mark: Resolved',
  rejected: ':no_entry: Resolution rejected',
  expired: ':alarm_clock: Decision expired',
  failed: ':x: Failed',
};

/** The root of an incident's thread; updated in place as the stage changes. */
export function incidentRootMessage(v: IncidentView): SlackMessage {
  const stage = STAGE_LABEL[v.stage] ?? v.stage;
  const blocks: KnownBlock[] = [
    section(`:rotating_light: *${v.number}* · P${v.priority} · ${escapeMrkdwn(v.shortDescription)}`),
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Stage*\n${stage}` },
        { type: 'mrkdwn', text: `*Priority*\nP${v.priority}` },
        { type: 'mrkdwn', text: cutMrkdwn(`*Assignment group*\n${escapeMrkdwn(v.assignmentGroup) || '—'}`, SLACK_LIMITS.fieldText) },
        { type: 'mrkdwn', text: cutMrkdwn(`*Configuration item*\n${escapeMrkdwn(v.cmdbCi) || '—'}`, SLACK_LIMITS.fieldText) },
      ],
    },
  ];
  if (v.detail) blocks.push(section(v.detail));
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `<${v.incidentUrl}|Open in ServiceNow> · <${v.runUrl}|Run in Temporal>` }] });
  return { text: `${v.number} · P${v.priority} · ${escapeMrkdwn(v.shortDescription)} — ${stage}`, blocks };
}

const BUTTON_TEXT: Record<DecisionChoice, string> = { approve: 'Approve resolution', reject: 'Reject', escalate: 'Escalate' };
const buttonText = (req: ApprovalRequest, choice: DecisionChoice) => (choice === 'approve' && req.preview ? 'Approve and run' : BUTTON_TEXT[choice]);
const OUTCOME_TEXT = (o: ApprovalOutcome): string => {
  switch (o.outcome) {
    case 'approved':
      return `:white_check_mark: Approved by ${(o.approvers ?? [o.by]).map((u) => `<@${u}>`).join(' and ')}`;
    case 'rejected':
      return `:no_entry: Rejected by <@${o.by}>`;
    case 'escalated':
      return `:arrow_double_up: Escalated by <@${o.by}>`;
    case 'expired':
      return ':alarm_clock: Expired without a decision; nothing was approved.';
    case 'withdrawn':
      return `:leftwards_arrow_with_hook: Withdrawn: ${o.reason}`;
    case 'superseded':
      return `:leftwards_arrow_with_hook: Withdrawn: superseded by ${o.reason}; decide on the new request below.`;
  }
};

/** The decision request in the thread: evidence and buttons, or (once decided) the outcome without buttons. */
export function approvalMessage(req: ApprovalRequest, approvalWorkflowId: string, outcome?: ApprovalOutcome, approvedBy: string[] = []): SlackMessage {
  const blocks: KnownBlock[] = [section(`*${req.question}*`), ...evidenceBlocks(req)];
  if (outcome) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: OUTCOME_TEXT(outcome) }] });
  } else {
    blocks.push({
      type: 'actions',
      block_id: `decision:${approvalWorkflowId}`.slice(0, 255),
      elements: [...req.choices.map((choice) => ({
        type: 'button' as const,
        action_id: `${DECISION_ACTION_PREFIX}${choice}`,
        text: { type: 'plain_text' as const, text: buttonText(req, choice) },
        // The evidence hash rides along, so a click on a superseded message can be told from a current one.
        value: req.evidenceHash ? `${approvalWorkflowId}|${req.evidenceHash}` : approvalWorkflowId,
        ...(choice === 'approve' ? { style: 'primary' as const } : choice === 'reject' ? { style: 'danger' as const } : {}),
      })),
        ...(req.preview
          ? [{ type: 'button' as const, action_id: PREVIEW_ACTION, text: { type: 'plain_text' as const, text: 'Preview' }, value: approvalWorkflowId }]
          : [])],
    });
    const who = [...req.approvers.filter((u) => u !== '*').map((u) => `<@${u}>`), ...req.approverGroups.map((g) => `<!subteam^${g}>`)];
    const needed = req.requiredApprovals;
    const progress = needed > 1 ? ` · ${approvedBy.length} of ${needed} approvals${approvedBy.length ? `: ${approvedBy.map((u) => `<@${u}>`).join(', ')}` : ''}` : '';
    const hash = req.evidenceHash ? ` · evidence ${req.evidenceHash.slice(0, 12)}` : '';
    const approvers = `Approvers: ${who.join(', ') || (req.approvers.includes('*') ? 'anyone' : 'nobody is configured')}${progress}${hash}`;
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: cutMrkdwn(approvers, SLACK_LIMITS.textObject) }] });
    if (req.onCall) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: cutMrkdwn(`:pager: ${escapeMrkdwn(req.onCall)}`, SLACK_LIMITS.textObject) }] });
  }
  return { text: outcome ? `${req.question} — ${OUTCOME_TEXT(outcome)}` : req.question, blocks };
}
