import { Client, Connection, WorkflowUpdateStage } from '@temporalio/client';
import { parseCommandText } from '../../src/api/slack/command-text';
import { DECISION_ACTION_PREFIX, isDecisionChoice } from '../../src/contracts/decision';
import { incidentWorkflowId } from '../../src/contracts/workflow-ids';
import { decideUpdate, incidentStatusQuery } from '../../src/contracts/messages';

/** The budget OpsLoop gives a Temporal call on a Slack route (src/api/workflow-gateway.ts), kept equal here. */
const BUDGET_MS = 2_000;

export async function connectClient(): Promise<Client> {
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '' });
  return new Client({ connection });
}

/**
 * The same Temporal calls OpsLoop's Slack routes make, for the baselines: a status query with a deadline, and a
 * decision Update started with waitForStage ACCEPTED raced against the budget.
 */
export function baselineCalls(client: Client) {
  return {
    /** The ephemeral text for `/ops …`, after the same query OpsLoop makes. */
    async commandAnswer(text: string): Promise<string> {
      const command = parseCommandText('/ops', text);
      if (command.kind !== 'status') return 'usage';
      try {
        const s = await client.withDeadline(Date.now() + BUDGET_MS, () =>
          client.workflow.getHandle(incidentWorkflowId(command.incidentNumber)).query(incidentStatusQuery),
        );
        return `${s.incidentNumber} · P${s.priority} · ${s.stage}${s.hasFindings ? ' · findings received' : ''}`;
      } catch {
        return 'could not read the status';
      }
    },

    /** Hands a click to the approval workflow; resolves when Temporal answered or the budget ran out. */
    async click(userId: string, actionId: string, value: string): Promise<void> {
      const choice = actionId.slice(DECISION_ACTION_PREFIX.length);
      // Buttons carry "<approval workflow id>|<evidence hash>", as OpsLoop's route reads them.
      const [approvalId = '', evidenceHash] = value.split('|');
      if (!isDecisionChoice(choice)) return;
      const decision = (async () => {
        const update = await client.workflow.getHandle(approvalId).startUpdate(decideUpdate, {
          args: [{ choice, userId, source: 'button', evidenceHash }],
          updateId: `${approvalId}:${userId}:${evidenceHash ?? ''}`,
          waitForStage: WorkflowUpdateStage.ACCEPTED,
        });
        return update.result();
      })().catch(() => undefined);
      await Promise.race([decision, new Promise((r) => setTimeout(r, BUDGET_MS))]);
    },
  };
}
