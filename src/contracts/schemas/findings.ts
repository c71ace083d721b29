import { z } from 'zod';

/** What an investigator reports about an incident; rendered in the Slack thread and the close notes. */
export const findingsSchema = z.object({
  incidentNumber: z.string().min(1),
  /** completed | failed | timed-out | cancelled: the investigation's own outcome. */
  status: z.enum(['completed', 'failed', 'timed-out', 'cancelled']).default('completed'),
  /** Markdown summary (the DevOps Agent's `investigation_summary_md`). */
  summary: z.string().max(40_000).default(''),
  /** Markdown mitigation plan (the DevOps Agent's `mitigation_summary_md`), when the agent wrote one. */
  mitigation: z.string().max(40_000).optional(),
  rootCause: z.string().max(10_000).optional(),
  recommendation: z.string().max(10_000).optional(),
  /** Which investigator produced it, e.g. "aws-devops-agent" or "sandbox-agent". */
  source: z.string().max(100).default('agent'),
  /**
   * A mitigation the agent proposes as a runbook catalog action. It runs only if it validates against that action's
   * parameters and is approved; free-form commands are never executed.
   */
  proposedAction: z.object({ name: z.string().max(40), params: z.record(z.string(), z.string().max(200)).default({}) }).optional(),
  /** A link to the investigation in the agent's own console, when there is one. */
  url: z.url().optional(),
});
export type Findings = z.infer<typeof findingsSchema>;
