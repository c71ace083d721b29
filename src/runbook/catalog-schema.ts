import { z } from 'zod';
import { ROLES } from '../policy/schema';

const name = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'lowercase letters, digits and dashes');
const envName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name');

const paramSchema = z.discriminatedUnion('type', [
  z.strictObject({ name, type: z.literal('string'), pattern: z.string().min(1), description: z.string().optional() }),
  z.strictObject({ name, type: z.literal('enum'), values: z.array(z.string().min(1)).min(1), description: z.string().optional() }),
  z.strictObject({ name, type: z.literal('integer'), min: z.number().int(), max: z.number().int(), description: z.string().optional() }),
]);

const httpExecutor = z.strictObject({
  type: z.literal('http'),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']),
  /** `{param}` placeholders are URL-encoded values. */
  url: z.string().regex(/^https?:\/\//, 'must be an http(s) URL'),
  /** Header values may name worker environment variables as ${NAME}; nothing else is substituted. */
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().optional(),
  expectStatus: z.array(z.number().int().min(100).max(599)).default([200, 201, 202, 204]),
});

const commandExecutor = z.strictObject({
  type: z.literal('command'),
  /** Must be one of the catalog's allowedExecutables. */
  executable: z.string().min(1),
  /** The argument vector; `{param}` placeholders are substituted inside an element, never split: no shell anywhere. */
  args: z.array(z.string()),
  /** Worker environment variables passed through (PATH always is). */
  env: z.array(envName).default([]),
  /** Retry after a failure only if running it twice is harmless. */
  safeToRetry: z.boolean().default(false),
});

const pingExecutor = z.strictObject({ type: z.literal('ping') });

export const actionSchema = z.strictObject({
  name,
  description: z.string().min(1),
  params: z.array(paramSchema).default([]),
  role: z.enum(ROLES).default('operator'),
  approval: z.enum(['none', 'one', 'two']).default('none'),
  /** How long an approval request waits before it expires (never an implicit approval). */
  approvalExpiryMs: z.number().int().min(1000).max(7 * 24 * 3_600_000).default(3_600_000),
  timeoutMs: z.number().int().min(100).max(3_600_000).default(30_000),
  executor: z.discriminatedUnion('type', [httpExecutor, commandExecutor, pingExecutor]),
});

const targetSchema = z.union([z.strictObject({ url: z.string().regex(/^https?:\/\//) }), z.strictObject({ host: z.string().min(1), port: z.number().int().min(1).max(65535) })]);

const subscriptionSchema = z.strictObject({
  channel: z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'a Slack channel id'),
  events: z.array(z.enum(['action-succeeded', 'action-failed', 'incident-resolved', 'approval-expired', 'workflow-failed'])).min(1),
  /** Events within this window go out as one message (noise control). */
  batchWindowMs: z.number().int().min(0).max(3_600_000).default(30_000),
});

/** The runbook catalog (OPSLOOP_ACTIONS_FILE). */
export const catalogSchema = z
  .strictObject({
    version: z.literal(1),
    allowedExecutables: z.array(z.string().regex(/^\//, 'an absolute path')).default([]),
    /** Named environments for the built-in `ping` executor. */
    targets: z.record(name, targetSchema).default({}),
    actions: z.array(actionSchema).default([]),
    notifications: z.array(subscriptionSchema).default([]),
  })
  .superRefine((catalog, ctx) => {
    catalog.actions.forEach((action, i) => {
      if (action.executor.type === 'command' && !catalog.allowedExecutables.includes(action.executor.executable)) {
        ctx.addIssue({ code: 'custom', path: ['actions', i, 'executor', 'executable'], message: 'not in allowedExecutables' });
      }
      for (const [j, p] of action.params.entries()) {
        if (p.type === 'string') {
          try {
            new RegExp(p.pattern);
          } catch {
            ctx.addIssue({ code: 'custom', path: ['actions', i, 'params', j, 'pattern'], message: 'not a valid regular expression' });
          }
        }
      }
      if (catalog.actions.findIndex((a) => a.name === action.name) !== i) {
        ctx.addIssue({ code: 'custom', path: ['actions', i, 'name'], message: `duplicate action name "${action.name}"` });
      }
    });
  });

export type Catalog = z.infer<typeof catalogSchema>;
export type ActionDefinition = z.infer<typeof actionSchema>;
export type ParamDefinition = z.infer<typeof paramSchema>;
