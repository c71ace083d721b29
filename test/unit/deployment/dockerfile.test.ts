import { npmScript, read, SECRET_LOOKING } from './compose-file';

describe('Dockerfile', () => {
  // One instruction per entry: continuations joined, comments and blank lines dropped.
  const instructions = read('Dockerfile')
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
      return { op: op.toUpperCase(), args };
    });
  const lastFrom = instructions.map((i) => i.op).lastIndexOf('FROM');
  const finalStage = instructions.slice(lastFrom);
  const last = (op: string) => finalStage.filter((i) => i.op === op).at(-1)?.args;

  it('builds on node:20-slim', () => {
    expect(instructions.filter((i) => i.op === 'FROM').map((i) => i.args.split(/\s+/)[0])).toEqual(expect.arrayContaining(['node:20-slim']));
    expect(instructions[lastFrom]?.args).toMatch(/^node:20-slim\b/);
  });

  it('runs the `npm run api` command by default', () => {
    expect(last('ENTRYPOINT')).toBeUndefined();
    expect(JSON.parse(last('CMD') ?? 'null')).toEqual(npmScript('api'));
    // tsx is found without npm.
    expect(last('ENV')).toMatch(/\bPATH=\/app\/node_modules\/\.bin:\$PATH\b/);
    expect(last('WORKDIR')).toBe('/app');
  });

  it('runs as a non-root user', () => {
    const user = last('USER');
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
  });

  it('bakes in no secrets', () => {
    // `ENV A=1 B=2`, the legacy `ENV A 1`, and `ARG A[=default]`, in every stage.
    const keys = instructions
      .filter((i) => i.op === 'ENV' || i.op === 'ARG')
      .flatMap((i) =>
        i.args.includes('=')
          ? [...i.args.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1] ?? '')
          : [i.args.split(/\s+/)[0] ?? ''],
      );
    expect(keys).toContain('NODE_ENV'); // the parser does see the ENV lines
    expect(keys.filter((k) => SECRET_LOOKING.test(k))).toEqual([]);
    // The pattern is meaningful: it flags the contract's own secrets.
    expect(['SLACK_BOT_TOKEN', 'SERVICENOW_PASSWORD', 'TEMPORAL_TLS_KEY', 'TEMPORAL_API_KEY'].every((k) => SECRET_LOOKING.test(k))).toBe(true);
    expect(instructions.filter((i) => i.op === 'COPY' || i.op === 'ADD').map((i) => i.args)).not.toContainEqual(expect.stringMatching(/\.env\b/));
    expect(read('.dockerignore').split(/\r?\n/)).toContain('.env');
  });
});
