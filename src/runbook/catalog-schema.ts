import { z } from 'zod';
import { ROLES } from '../policy/schema';
import { compileRule, namedGroupsOf, templateProblems } from './proposal-template';

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

/**
 * A reviewed mapping from an agent's Markdown mitigation plan to a catalog action: the first rule (in file order)
 * whose pattern matches a line of the plan proposes its action, with parameters filled from the templates and then
 * validated by the action's own parameter rules. No rule matches: nothing is proposed.
 */
const proposalSchema = z.strictObject({
  name,
  /** A regular expression tested against each line of the plan on its own, so `^` and `$` anchor to a line. */
  match: z.string().min(1).max(500),
  ignoreCase: z.boolean().default(false),
  /** The catalog action to propose. */
  action: name,
  /** Every parameter of the action, as a template of `{incident.<field>}`, `{match.<named group>}` and literal text. */
  params: z.record(z.string(), z.string().max(200)).default({}),
  description: z.string().optional(),
});

function checkProposalRule(rule: z.infer<typeof proposalSchema>, actions: ActionDefinition[], at: (string | number)[], ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path: [...at, ...path], message });
  let groups: string[] = [];
  try {
    if (compileRule(rule.match, rule.ignoreCase).test('')) issue(['match'], 'matches an empty line, so it would map any mitigation plan; make it require the words it stands for');
    groups = namedGroupsOf(rule.match);
  } catch (err) {
    issue(['match'], `not a valid regular expression (${(err as Error).message})`);
  }
  const action = actions.find((a) => a.name === rule.action);
  if (!action) return issue(['action'], `no catalog action named "${rule.action}"`);
  for (const [key, template] of Object.entries(rule.params)) {
    if (!action.params.some((p) => p.name === key)) issue(['params', key], `${action.name} has no parameter "${key}"`);
    for (const problem of templateProblems(template, groups)) issue(['params', key], problem);
  }
  const missing = action.params.filter((p) => rule.params[p.name] === undefined).map((p) => p.name);
  if (missing.length) issue(['params'], `${action.name} needs ${missing.map((m) => `"${m}"`).join(', ')}`);
}

/** The runbook catalog (OPSLOOP_ACTIONS_FILE). */
export const catalogSchema = z
  .strictObject({
    version: z.literal(1),
    allowedExecutables: z.array(z.string().regex(/^\//, 'an absolute path')).default([]),
    /** Named environments for the built-in `ping` executor. */
    targets: z.record(name, targetSchema).default({}),
    actions: z.array(actionSchema).default([]),
    notifications: z.array(subscriptionSchema).default([]),
    /** Optional, so catalogs written in code need not list it. */
    proposals: z.array(proposalSchema).optional(),
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
    catalog.proposals?.forEach((rule, i) => {
      checkProposalRule(rule, catalog.actions, ['proposals', i], ctx);
      if (catalog.proposals!.findIndex((r) => r.name === rule.name) !== i) {
        ctx.addIssue({ code: 'custom', path: ['proposals', i, 'name'], message: `duplicate proposal name "${rule.name}"` });
      }
    });
  });

export type Catalog = z.infer<typeof catalogSchema>;
export type ActionDefinition = z.infer<typeof actionSchema>;
export type ParamDefinition = z.infer<typeof paramSchema>;
export type ProposalRule = z.infer<typeof proposalSchema>;
