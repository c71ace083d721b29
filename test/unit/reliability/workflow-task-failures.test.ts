import { temporal } from '@temporalio/proto';
import { workflowTaskFailures, type Run } from '../../reliability/harness/histories';

const Cause = temporal.api.enums.v1.WorkflowTaskFailedCause;
const runWith = (...causes: temporal.api.enums.v1.WorkflowTaskFailedCause[]): Run => ({
  workflowId: 'agent-slots/q',
  runId: 'r1',
  status: 'CONTINUED_AS_NEW',
  events: [
    { workflowExecutionStartedEventAttributes: {} },
    ...causes.map((cause) => ({ workflowTaskFailedEventAttributes: { cause, failure: { message: 'x' } } })),
  ],
});

describe("the checker's failed workflow tasks", () => {
  it('counts a non-determinism error or an exception in workflow code', () => {
    expect(workflowTaskFailures(runWith(Cause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR, Cause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE))).toBe(2);
  });

  it("does not count the server refusing a completion because signals arrived meanwhile (UnhandledCommand), Temporal's own guard against losing them", () => {
    expect(workflowTaskFailures(runWith(Cause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND, Cause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND))).toBe(0);
    expect(workflowTaskFailures(runWith(Cause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND, Cause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR))).toBe(1);
  });
});
