import { z } from 'zod';

// The AWS DevOps Agent data-plane shapes OpsLoop reads (service model devops-agent 2026-01-01: Task, Execution,
// JournalRecord). Unknown fields pass through and enums stay open strings: the API has gained values over time.

const timestamp = z.union([z.number(), z.string()]);

export const TERMINAL_TASK_STATUSES = ['COMPLETED', 'FAILED', 'TIMED_OUT', 'CANCELED', 'SKIPPED', 'LINKED'] as const;

export const taskReferenceSchema = z.object({
  system: z.string(),
  referenceId: z.string(),
  referenceUrl: z.string(),
  associationId: z.string(),
  title: z.string().optional(),
});

export const agentTaskSchema = z.looseObject({
  agentSpaceId: z.string().optional(),
  taskId: z.string().min(1),
  executionId: z.string().nullish(),
  title: z.string().optional(),
  description: z.string().nullish(),
  reference: taskReferenceSchema.partial().nullish(),
  taskType: z.string().optional(),
  priority: z.string().optional(),
  status: z.string().min(1),
  statusReason: z.string().nullish(),
  primaryTaskId: z.string().nullish(),
  createdAt: timestamp.optional(),
  updatedAt: timestamp.optional(),
});
export type AgentTask = z.infer<typeof agentTaskSchema>;

export const executionSchema = z.looseObject({
  executionId: z.string().min(1),
  parentExecutionId: z.string().nullish(),
  agentSubTask: z.string().nullish(),
  agentType: z.string().nullish(),
  executionStatus: z.string().optional(),
  createdAt: timestamp.optional(),
  updatedAt: timestamp.optional(),
});
export type Execution = z.infer<typeof executionSchema>;

export const journalRecordSchema = z.looseObject({
  executionId: z.string().optional(),
  recordId: z.string().optional(),
  recordType: z.string(),
  /** A JSON document whose shape varies by record type: a string, or an object such as `{ markdown }`. */
  content: z.unknown(),
  createdAt: timestamp.optional(),
});
export type JournalRecord = z.infer<typeof journalRecordSchema>;

export const createBacklogTaskResponseSchema = z.object({ task: agentTaskSchema });
export const getBacklogTaskResponseSchema = z.object({ task: agentTaskSchema });
export const listExecutionsResponseSchema = z.object({ executions: z.array(executionSchema).default([]), nextToken: z.string().nullish() });
export const listJournalRecordsResponseSchema = z.object({ records: z.array(journalRecordSchema).default([]), nextToken: z.string().nullish() });

export const createBacklogTaskInputSchema = z.object({
  taskType: z.enum(['INVESTIGATION', 'EVALUATION', 'RELEASE_READINESS_REVIEW', 'RELEASE_TESTING']),
  title: z.string().min(1).max(400),
  description: z.string().max(10_000).optional(),
  priority: z.enum(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'MINIMAL']),
  reference: taskReferenceSchema.optional(),
  clientToken: z.string().min(1).max(64).optional(),
});
export type CreateBacklogTaskInput = z.infer<typeof createBacklogTaskInputSchema>;

/** The Markdown of a journal record's `content`, whatever shape the record type gives it; '' when there is none. */
export function markdownOf(content: unknown): string {
  if (typeof content === 'string') {
    const trimmed = content.trim();
    // Some record types carry a JSON document serialised as a string.
    if (trimmed.startsWith('{') || trimmed.startsWith('"')) {
      try {
        const inner = JSON.parse(trimmed) as unknown;
        if (inner !== content) return markdownOf(inner);
      } catch {
        // plain text that happens to start with a brace
      }
    }
    return content;
  }
  if (content && typeof content === 'object') {
    const record = content as Record<string, unknown>;
    for (const key of ['markdown', 'summary', 'text', 'content', 'body', 'message']) {
      const value = markdownOf(record[key]);
      if (value) return value;
    }
  }
  return '';
}
