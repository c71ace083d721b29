import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { CLUSTER_SETTINGS } from './settings';

/** gRPC status 6: the namespace exists already (a second run against kept databases). */
const ALREADY_EXISTS = 6;

/**
 * Registers the namespace (the docker image's setup does the same with `temporal operator namespace create`) and waits
 * until the history service finds it: a freshly registered namespace reaches each service's cache on its own time.
 * A run id that does not exist answers NOT_FOUND "workflow not found" once history knows the namespace.
 */
export async function registerNamespace(address: string, namespace: string, timeoutMs = 60_000): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    await connection.workflowService
      .registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(CLUSTER_SETTINGS.namespaceRetention) })
      .catch((err: unknown) => {
        if ((err as { code?: number }).code !== ALREADY_EXISTS) throw err;
      });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = await connection.workflowService
        .describeWorkflowExecution({ namespace, execution: { workflowId: 'opsloop-cluster-probe' } })
        .then(() => 'found')
        .catch((err: Error) => err.message);
      if (answer === 'found' || /workflow not found/i.test(answer)) return;
      if (Date.now() > deadline) throw new Error(`namespace ${namespace} is not usable after ${timeoutMs} ms: ${answer}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await connection.close();
  }
}
