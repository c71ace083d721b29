import type { Request, Response } from 'express';
import { normaliseIncidentNumber } from '../../contracts/workflow-ids';
import { denial, type CommandDeps } from '../commands';
import { CLOSE_CODES, INCIDENT_MODAL, RESOLVE_MODAL, modalMetadataSchema } from '../slack/modals';
import { submittedValue, type ViewSubmission } from '../slack/payloads';

/** Slack shows these next to the inputs and keeps the modal open. */
const errors = (res: Response, fields: Record<string, string>) => res.json({ response_action: 'errors', errors: fields });

function metadata(view: ViewSubmission['view']) {
  try {
    return modalMetadataSchema.parse(JSON.parse(view.private_metadata || '{}'));
  } catch {
    return {};
  }
}

/** A submitted modal: validated like any other input, authorized again (the policy may have changed), then handed on. */
export function viewSubmissionRoute(deps: CommandDeps) {
  return async (req: Request, res: Response, submission: ViewSubmission): Promise<void> => {
    const { view, user } = submission;
    const meta = metadata(view);
    const ctx = { source: 'modal' as const, userId: user.id, userName: user.username ?? user.name, channelId: meta.channelId ?? '', text: `modal ${view.callback_id}` };
    const groups = await deps.groupsOf(user.id);

    if (view.callback_id === RESOLVE_MODAL) {
      const incidentNumber = normaliseIncidentNumber(meta.incidentNumber ?? '');
      const closeCode = submittedValue(view, 'close_code');
      const closeNotes = submittedValue(view, 'close_notes');
      if (!incidentNumber) return void res.status(400).json({ error: 'modal metadata names no incident' });
      const problems: Record<string, string> = {};
      if (!CLOSE_CODES.includes(closeCode)) problems.close_code = 'Pick a resolution code.';
      if (closeNotes.length < 10) problems.close_notes = 'Say what fixed it (at least 10 characters): it goes into the ticket.';
      if (Object.keys(problems).length) return void errors(res, problems);
      const refused = await denial(deps, ctx, { kind: 'resolve', incidentNumber }, groups);
      if (refused) return void errors(res, { close_notes: refused.text });
      await deps.gateway.requestResolution(incidentNumber, {
        slackUserId: user.id,
        slackUserName: ctx.userName,
        channelId: meta.channelId,
        responseUrl: meta.responseUrl,
        source: 'modal',
        text: closeNotes,
        closeCode,
        closeNotes,
      });
      // An empty answer closes the form; the Resolution tells the outcome through the command's response_url.
      res.status(200).end();
      return;
    }

    if (view.callback_id === INCIDENT_MODAL) {
      const fields = {
        short_description: submittedValue(view, 'short_description'),
        description: submittedValue(view, 'description'),
        priority: submittedValue(view, 'priority'),
        cmdb_ci: submittedValue(view, 'cmdb_ci'),
      };
      const problems: Record<string, string> = {};
      if (fields.short_description.length < 5) problems.short_description = 'A summary of at least 5 characters, please.';
      if (!/^[1-4]$/.test(fields.priority)) problems.priority = 'Pick a priority.';
      if (Object.keys(problems).length) return void errors(res, problems);
      const refused = await denial(deps, ctx, { kind: 'incident' }, groups);
      if (refused) return void errors(res, { short_description: refused.text });
      await deps.gateway.openIncident(view.id, { fields, requestedBy: user.id, channelId: meta.channelId });
      res.status(200).end();
      return;
    }
    req.log?.warn({ callbackId: view.callback_id }, 'unknown modal submitted');
    res.status(200).end();
  };
}
