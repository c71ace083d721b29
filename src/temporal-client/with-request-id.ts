import { WorkflowClient, type Client } from '@temporalio/client';

/** Binds a method read through a Proxy to its real owner (the SDK's classes keep private state). */
const own = <T extends object>(target: T, prop: string | symbol): unknown => {
  const value: unknown = Reflect.get(target, prop);
  return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
};

/**
 * A WorkflowClient whose signalWithStart and signal carry `requestId` instead of the SDK's random one per call. The
 * server keeps a signal's request id with the run (and a start's with the run it created) and applies a repeated one
 * once, whichever of the two calls brought it. So a call retried after its answer was lost, whether by the SDK after
 * our own deadline gave up on it or by a sender told 503, is kept once, across API restarts too.
 */
export function withRequestId(client: Client, requestId: string): WorkflowClient {
  const service = client.connection.workflowService;
  const workflowService = new Proxy(service, {
    get: (target, prop) => {
      if (prop === 'signalWithStartWorkflowExecution') {
        return (request: Parameters<typeof service.signalWithStartWorkflowExecution>[0]) => target.signalWithStartWorkflowExecution({ ...request, requestId });
      }
      if (prop === 'signalWorkflowExecution') {
        return (request: Parameters<typeof service.signalWorkflowExecution>[0]) => target.signalWorkflowExecution({ ...request, requestId });
      }
      return own(target, prop);
    },
  });
  const connection = new Proxy(client.connection, { get: (target, prop) => (prop === 'workflowService' ? workflowService : own(target, prop)) });
  const { options } = client.workflow;
  return new WorkflowClient({ ...options, connection, dataConverter: options.loadedDataConverter });
}
