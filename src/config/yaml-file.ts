import { readFileSync } from 'node:fs';
import { LineCounter, isNode, parseDocument } from 'yaml';
import type { z } from 'zod';

/** Thrown when a YAML/JSON config file cannot be read or is invalid; each problem names the field and, where known, the line. */
export class ConfigFileError extends Error {
  constructor(
    readonly file: string,
    readonly what: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid ${what}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigFileError';
  }
}

/** Parses YAML (JSON is YAML) and validates it, pointing each zod issue at its line in the file. */
export function parseYamlConfig<S extends z.ZodType>(text: string, schema: S, file: string, what: string): z.infer<S> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigFileError(file, what, doc.errors.map((e) => `line ${lineCounter.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`));
  }
  const parsed = schema.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;
  throw new ConfigFileError(
    file,
    what,
    parsed.error.issues.map((issue) => {
      // Point at the deepest node that exists in the file for this path.
      let line: number | undefined;
      for (let depth = issue.path.length; depth >= 0 && line === undefined; depth--) {
        const node: unknown = doc.getIn(issue.path.slice(0, depth) as (string | number)[], true);
        if (isNode(node) && node.range) line = lineCounter.linePos(node.range[0]).line;
      }
      return `${line !== undefined ? `line ${line}: ` : ''}${issue.path.join('.') || '(root)'}: ${issue.message}`;
    }),
  );
}

export function loadYamlConfigFile<S extends z.ZodType>(path: string, schema: S, what: string): z.infer<S> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigFileError(path, what, [`cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  return parseYamlConfig(text, schema, path, what);
}
