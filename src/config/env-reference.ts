/** `${NAME}` inside a configured value names a variable of the process's environment (upper case, digits, `_`). */
const REFERENCE = /\$\{([A-Z][A-Z0-9_]*)\}/g;

/** Thrown when a configured value names an environment variable that is unset or empty; names it, never a value. */
export class MissingEnvReferenceError extends Error {
  constructor(readonly variable: string) {
    super(`the environment variable ${variable} is not set`);
    this.name = 'MissingEnvReferenceError';
  }
}

/**
 * Replaces every `${NAME}` in a configured value with that variable of `env`, at the moment it is needed, so secrets
 * stay in the environment and out of configuration files, logs and workflow histories. A value without references
 * is returned as written.
 */
export function resolveEnvReferences(value: string, env: Readonly<Record<string, string | undefined>>): string {
  return value.replace(REFERENCE, (_match, name: string) => {
    const resolved = env[name];
    if (resolved === undefined || resolved === '') throw new MissingEnvReferenceError(name);
    return resolved;
  });
}

/** The variables a configured value names (to check a configuration at start-up without reading secrets). */
export const envReferencesIn = (value: string): string[] => [...value.matchAll(REFERENCE)].map((m) => m[1] ?? '');
