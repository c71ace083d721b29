import { read } from './compose-file';

/*
 * The contract's names come from .env.example, the file users copy: every `NAME=` line. It is the only complete,
 * machine-readable list (env.ts does not read every contract variable yet), so it is itself held to the code and to
 * the public names: whatever env.ts asks the environment for, and every name users were promised, must be in it.
 */
export const envExample = new Map([...read('.env.example').matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']));
export const CONTRACT = new Set(envExample.keys());

/** The variable names users configure OpsLoop with: public, so they are kept stable (added to, never renamed). */
export const PUBLIC_VARIABLES = [
  'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE', 'TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY', 'TEMPORAL_API_KEY',
  'TEMPORAL_CLI_PATH', 'PORT', 'SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_API_URL', 'SLACK_INCIDENT_CHANNEL',
  'SERVICENOW_INSTANCE_URL', 'SERVICENOW_USERNAME', 'SERVICENOW_PASSWORD', 'SERVICENOW_WEBHOOK_SECRET',
  'AGENT_WEBHOOK_URL', 'AGENT_WEBHOOK_SECRET', 'AGENT_AUTH', 'AGENT_CALLBACK_SECRET', 'OPSLOOP_POLICY_FILE', 'DATABASE_URL', 'LOG_LEVEL',
];

/** Contract variables that only local tooling reads (`npm start`, `npm run cluster`), so no container is given them. */
export const LOCAL_ONLY = new Set(['TEMPORAL_CLI_PATH', 'TEMPORAL_CLUSTER_DATABASE_URL']);

/**
 * The names a config loader reads, found by handing it an environment that records every lookup. This follows the
 * zod schemas in env.ts exactly, without parsing its source; an empty environment is invalid, so the throw is expected.
 */
export function namesReadBy(load: (env: Record<string, string | undefined>) => unknown): Set<string> {
  const names = new Set<string>();
  const record = (key: string | symbol) => {
    if (typeof key === 'string' && /^[A-Z][A-Z0-9_]*$/.test(key)) names.add(key);
  };
  const env = new Proxy<Record<string, string | undefined>>({}, {
    get: (_target, key) => (record(key), undefined),
    has: (_target, key) => (record(key), false),
  });
  try {
    load(env);
  } catch {
    // ConfigError for the missing required variables: only the names matter here.
  }
  return names;
}
