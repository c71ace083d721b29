import { recordHistory } from '../../helpers/record-history';
import { startStack } from '../../helpers/stack';
import { INCIDENT_SCENARIOS } from './incident-scenarios';
import { IN_FLIGHT_SCENARIOS } from './in-flight-scenarios';
import { RECONCILE_SCENARIOS } from './reconcile-scenarios';
import { RESOLUTION_SCENARIOS } from './resolution-scenarios';
import { ROUTING_SCENARIOS } from './routing-scenarios';
import { RUNBOOK_SCENARIOS } from './runbook-scenarios';

/**
 * `npm run replay:record`: drives each scenario through the real API, worker and dev server, and rewrites the
 * histories it names in test/replay/histories/. Not part of `npm test`; test/integration/replay.test.ts replays them.
 */
describe('recording the replay histories', () => {
  it.each([...INCIDENT_SCENARIOS, ...RESOLUTION_SCENARIOS, ...RUNBOOK_SCENARIOS, ...RECONCILE_SCENARIOS, ...IN_FLIGHT_SCENARIOS, ...ROUTING_SCENARIOS].map((s) => [s.title, s] as const))('%s', async (_title, scenario) => {
    const stack = await startStack(scenario.stack);
    try {
      const runs = await scenario.drive(stack);
      for (const [name, workflowId] of Object.entries(runs)) await recordHistory(stack.client, workflowId, name);
    } finally {
      await stack.close();
    }
  });
});
