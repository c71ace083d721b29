import { WorkflowFailedError } from '@temporalio/client';
import { resolutionWorkflowId } from '../../../src/contracts/workflow-ids';
import { sendSlashCommand } from '../../../src/sandbox/slack-requests';
import type { Stack } from '../../helpers/stack';
import type { Scenario } from './scenario';

/** `/ops resolve <number> <notes>` as alice in the incident channel; resolves with what the resolution returned. */
async function resolveFromSlack(stack: Stack, number: string): Promise<unknown> {
  await sendSlashCommand(stack.apiUrl, stack.signingSecret, {
    command: '/ops',
    text: `resolve ${number} restarted the pool`,
    userId: 'U0ALICE',
    userName: 'alice',
    channelId: 'C0INCIDENTS',
    responseUrl: stack.slack.newResponseUrl(),
  });
  return stack.client.workflow.getHandle(resolutionWorkflowId(number)).result();
}

/** The stories of test/integration/resolve-command.test.ts that are recorded. */
export const RESOLUTION_SCENARIOS: Scenario[] = [
  {
    title: 'a ticket resolved from Slack',
    async drive(stack) {
      await resolveFromSlack(stack, 'INC0010001');
      return { 'resolution-slash-command': resolutionWorkflowId('INC0010001') };
    },
  },
  {
    title: 'an unknown incident, reported and left alone',
    async drive(stack) {
      const failed = await resolveFromSlack(stack, 'INC0099999').then(
        () => false,
        (err: unknown) => err instanceof WorkflowFailedError,
      );
      if (!failed) throw new Error('the resolution of an unknown incident did not fail');
      return { 'resolution-unknown-incident': resolutionWorkflowId('INC0099999') };
    },
  },
  {
    title: 'a ticket resolved after ServiceNow answered 429 with Retry-After',
    async drive(stack) {
      stack.servicenow.faults.add('PATCH incident', { status: 429, retryAfterSeconds: 3 });
      await resolveFromSlack(stack, 'INC0010001');
      return { 'resolution-after-429': resolutionWorkflowId('INC0010001') };
    },
  },
];
