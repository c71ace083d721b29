import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { policySchema, type Policy } from './schema';

/** Thrown when the policy file cannot be read or is invalid; each problem names the field and, where known, the line. */
export class PolicyError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid OpsLoop policy:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PolicyError';
  }
}

/** Parses policy text (YAML or JSON: JSON is YAML) and validates it. */
export function parsePolicy(text: string, file = 'policy'): Policy {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new PolicyError(file, doc.errors.map((e) => `line ${lineCounter.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`));
  }
  const parsed = policySchema.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;
  throw new PolicyError(
    file,
    parsed.error.issues.map((issue) => {
      // Point at the deepest node that exists in the file for this path.
      let line: number | undefined;
      for (let depth = issue.path.length; depth >= 0 && line === undefined; depth--) {
        const node: unknown = doc.getIn(issue.path.slice(0, depth) as (string | number)[], true);
        if (isNode(node) && node.range) line = lineCounter.linePos(node.range[0]).line;
      }
      const where = issue.path.join('.') || '(root)';
      return `${line !== undefined ? `line ${line}: ` : ''}${where}: ${issue.message}`;
    }),
  );
}

export function loadPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PolicyError(path, [`cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  return parsePolicy(text, path);
}
