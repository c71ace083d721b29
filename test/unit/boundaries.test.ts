import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { PATCH } from '../../src/workflows/patches';

/** The project's import graph (type-only imports included: they tie modules together just the same), from src/. */
const ROOT = resolve(__dirname, '..', '..');
const SRC = join(ROOT, 'src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  return [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
}

const files = filesUnder(SRC);
const rel = (path: string) => relative(ROOT, path);
const imports = new Map<string, { local: string[]; packages: string[] }>(
  files.map((file) => {
    const specs = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
    return [file, { local: specs.map((s) => resolveImport(file, s)).filter((p): p is string => Boolean(p)), packages: specs.filter((s) => !s.startsWith('.')) }];
  }),
);

function reachableFrom(start: string): Set<string> {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(imports.get(next)?.local ?? []));
  }
  return seen;
}

/** Every import cycle, each reported once as the path that closes it. */
function cycles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    path.push(file);
    for (const dep of imports.get(file)?.local ?? []) {
      if (state.get(dep) === 'open') found.push([...path.slice(path.indexOf(dep)), dep].map(rel));
      else if (!state.has(dep)) visit(dep);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return found;
}

const under = (dir: string) => (file: string) => file.startsWith(join(SRC, dir) + '/');

describe('module boundaries', () => {
  it('has no import cycle', () => {
    expect(cycles()).toEqual([]);
  });

  it('keeps the sandbox off the API: it speaks to OpsLoop over HTTP only', () => {
    const offenders = files.filter(under('sandbox')).flatMap((f) => imports.get(f)!.local.filter(under('api')).map((dep) => `${rel(f)} -> ${rel(dep)}`));
    expect(offenders).toEqual([]);
  });

  it('keeps the production entry points off src/local and src/sandbox', () => {
    for (const entry of ['api/main.ts', 'worker/main.ts']) {
      const reached = [...reachableFrom(join(SRC, entry))].filter((f) => under('local')(f) || under('sandbox')(f)).map(rel);
      expect({ entry, reached }).toEqual({ entry, reached: [] });
    }
  });

  it('gives workflow code only workflow-safe imports: contracts, other workflow modules and the workflow SDK', () => {
    const allowedPackages = ['@temporalio/workflow', '@temporalio/common'];
    const offenders = files.filter(under('workflows')).flatMap((file) => {
      const { local, packages } = imports.get(file)!;
      const badLocal = local.filter((dep) => !under('workflows')(dep) && !under('contracts')(dep) && !(rel(file) === 'src/workflows/proxies.ts' && rel(dep) === 'src/activities/index.ts'));
      const badSchemas = local.filter(under('contracts/schemas')).filter(() => /^import (?!type)[^;]*contracts\/schemas/m.test(readFileSync(file, 'utf8')));
      return [...badLocal, ...badSchemas].map((dep) => `${rel(file)} -> ${rel(dep)}`).concat(packages.filter((p) => !allowedPackages.includes(p)).map((p) => `${rel(file)} -> ${p}`));
    });
    expect(offenders).toEqual([]);
  });

  it('keeps workflow files short enough to read, and the investigation loop under 80 lines', () => {
    const long = files.filter(under('workflows')).map((f) => ({ file: rel(f), lines: readFileSync(f, 'utf8').split('\n').length })).filter((f) => f.lines > 150);
    expect(long).toEqual([]);
    const loop = readFileSync(join(SRC, 'workflows/incident-investigation/index.ts'), 'utf8');
    const body = loop.slice(loop.indexOf('export async function incidentInvestigation'));
    expect(body.split('\n').length).toBeLessThanOrEqual(80);
  });

  it('guards workflow changes only with patch ids declared in src/workflows/patches.ts', () => {
    const declared = Object.keys(PATCH);
    const used = files
      .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/\b(?:patched|deprecatePatch)\(\s*([^)]*)\)/g)].map((m) => ({ file: rel(f), arg: m[1]!.trim() })))
      .filter((u) => !u.file.endsWith('workflows/patches.ts'));
    const undeclared = used.filter((u) => !/^PATCH\.[A-Za-z]+$/.test(u.arg) || !declared.includes(u.arg.slice('PATCH.'.length)));
    expect(undeclared).toEqual([]);
  });
});
