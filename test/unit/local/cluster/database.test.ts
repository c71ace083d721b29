import { ClusterDatabaseError, parseDatabaseUrl, runDatabaseNames } from '../../../../src/local/cluster/database';

describe('parseDatabaseUrl', () => {
  it('defaults to the local PostgreSQL as postgres, without a password', () => {
    expect(parseDatabaseUrl()).toEqual({ host: '127.0.0.1', port: 5432, user: 'postgres', password: undefined });
  });

  it('reads user, password (decoded), host and port', () => {
    expect(parseDatabaseUrl('postgresql://ops%40team:p%3Ass@db.internal:6543/ignored')).toEqual({ host: 'db.internal', port: 6543, user: 'ops@team', password: 'p:ss' });
  });

  it.each([
    ['not a url', /is not a URL/],
    ['mysql://root@127.0.0.1', /must start with postgres:\/\//],
    ['postgres://127.0.0.1:5432', /names no user/],
  ])('refuses %s with a line naming the variable', (url, message) => {
    expect(() => parseDatabaseUrl(url)).toThrow(ClusterDatabaseError);
    expect(() => parseDatabaseUrl(url)).toThrow(message);
    expect(() => parseDatabaseUrl(url)).toThrow(/TEMPORAL_CLUSTER_DATABASE_URL/);
  });

  it('never echoes the password', () => {
    const message = (() => {
      try {
        parseDatabaseUrl('mysql://u:hunter2@h');
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(message).toMatch(/postgres:\/\//);
    expect(message).not.toContain('hunter2');
  });
});

describe('runDatabaseNames', () => {
  it('names both databases after the run', () => {
    expect(runDatabaseNames('abc_12')).toEqual({ database: 'opsloop_abc_12_temporal', visibilityDatabase: 'opsloop_abc_12_visibility' });
  });

  it('refuses a run id PostgreSQL would fold or need quoting for', () => {
    expect(() => runDatabaseNames('Run-1')).toThrow(/must be 1-40 of \[a-z0-9_\]/);
  });
});
