import { read, SECRET_LOOKING } from './compose-file';
import { envExample } from './env-contract';

describe('.env.example', () => {
  it('leaves secrets and TEMPORAL_ADDRESS blank', () => {
    // A value here would be copied into .env and interpolated into the containers, overriding temporal:7233.
    expect(envExample.get('TEMPORAL_ADDRESS')).toBe('');
    const filled = [...envExample].filter(([name, value]) => SECRET_LOOKING.test(name) && value !== '');
    expect(filled).toEqual([]);
  });

  it('explains every variable on the line above it', () => {
    const lines = read('.env.example').split(/\r?\n/);
    const undocumented = lines.flatMap((line, i) => (/^[A-Z][A-Z0-9_]*=/.test(line) && !lines[i - 1]?.startsWith('# ') ? [line] : []));
    expect(undocumented).toEqual([]);
  });
});
