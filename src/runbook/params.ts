import type { ActionDefinition, Catalog } from './catalog-schema';

/** Thrown when arguments do not satisfy an action's parameters; nothing has run. The message says why. */
export class ParamError extends Error {
  override name = 'ParamError';
}

/** Characters no parameter may contain, whatever its pattern: control characters and NUL. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point of this pattern
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Parses `/ops run <action> a b` or `key=value` arguments against the action's typed parameters. String
 * patterns are anchored (the whole value must match), so `uat; rm -rf /` can never satisfy `[a-z-]+`.
 */
export function parseParams(action: ActionDefinition, args: string[], catalog: Pick<Catalog, 'targets'>): Record<string, string> {
  const values: Record<string, string> = {};
  const positional: string[] = [];
  for (const arg of args) {
    const m = /^([a-z][a-z0-9-]*)=(.*)$/.exec(arg);
    if (m && action.params.some((p) => p.name === m[1])) values[m[1]!] = m[2]!;
    else positional.push(arg);
  }
  for (const p of action.params) if (values[p.name] === undefined && positional.length) values[p.name] = positional.shift()!;
  if (positional.length) throw new ParamError(`\`${action.name}\` takes ${action.params.length} parameter(s); unexpected \`${positional.join(' ').slice(0, 60)}\`.`);

  for (const p of action.params) {
    const value = values[p.name];
    if (value === undefined || value === '') throw new ParamError(`missing ${p.name}`);
    if (CONTROL.test(value) || value.length > 200) throw new ParamError(`${p.name} is not a valid value`);
    switch (p.type) {
      case 'string':
        if (!new RegExp(`^(?:${p.pattern})$`).test(value)) throw new ParamError(`${p.name} must match ${p.pattern}`);
        break;
      case 'enum': {
        // The ping executor's target may come from the catalog's target map.
        const allowed = p.values.includes('*targets') ? Object.keys(catalog.targets) : p.values;
        if (!allowed.includes(value)) throw new ParamError(`${p.name} must be one of ${allowed.join(', ')}`);
        break;
      }
      case 'integer': {
        if (!/^-?\d+$/.test(value) || Number(value) < p.min || Number(value) > p.max) throw new ParamError(`${p.name} must be an integer from ${p.min} to ${p.max}`);
        break;
      }
    }
  }
  return values;
}

export const usageOf = (action: ActionDefinition): string =>
  `\`/ops run ${action.name}${action.params.map((p) => ` <${p.name}>`).join('')}\`: ${action.description}${action.approval === 'none' ? '' : ` (needs ${action.approval === 'two' ? 'two approvals' : 'approval'})`}`;
