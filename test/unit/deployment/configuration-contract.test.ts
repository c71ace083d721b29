import { loadApiConfig, loadWorkerConfig } from '../../../src/config/env';
import { environmentOf, OPSLOOP_SERVICES, service } from './compose-file';
import { CONTRACT, PUBLIC_VARIABLES, LOCAL_ONLY, namesReadBy } from './env-contract';

const apiEnv = environmentOf(service('opsloop-api'));
const workerEnv = environmentOf(service('opsloop-worker'));
const passedToOpsLoop = new Set([...Object.keys(apiEnv), ...Object.keys(workerEnv)]);

describe('configuration contract: .env.example, env.ts and the compose services agree', () => {
  it('.env.example covers every public variable name and everything env.ts reads', () => {
    expect(CONTRACT.size).toBeGreaterThan(0);
    for (const name of PUBLIC_VARIABLES) expect({ name, documented: CONTRACT.has(name) }).toEqual({ name, documented: true });
    const readByCode = [...namesReadBy(loadApiConfig), ...namesReadBy(loadWorkerConfig)];
    // Guards the probe itself: if it stopped seeing lookups, the next loop would pass vacuously.
    expect(readByCode).toEqual(expect.arrayContaining(['TEMPORAL_ADDRESS', 'SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN']));
    for (const name of readByCode) expect({ name, documented: CONTRACT.has(name) }).toEqual({ name, documented: true });
  });

  it.each(OPSLOOP_SERVICES)('%s is given only contract variables, each from its own name', (name) => {
    const env = environmentOf(service(name));
    expect(Object.keys(env).length).toBeGreaterThan(0);
    for (const [key, value] of Object.entries(env)) {
      expect({ key, contract: CONTRACT.has(key) }).toEqual({ key, contract: true });
      // `${KEY}` or `${KEY:-default}`: never a literal value, never another variable's.
      expect({ key, value }).toEqual({ key, value: expect.stringMatching(new RegExp(`^\\$\\{${key}(:?-[^}]*)?\\}$`)) });
    }
  });

  it('gives each process every variable its loader reads', () => {
    for (const name of namesReadBy(loadApiConfig)) expect({ name, api: name in apiEnv }).toEqual({ name, api: true });
    for (const name of namesReadBy(loadWorkerConfig)) expect({ name, worker: name in workerEnv }).toEqual({ name, worker: true });
  });

  it('passes every variable of .env.example to an OpsLoop service, except the local-tooling ones', () => {
    for (const name of CONTRACT) {
      expect({ name, passed: passedToOpsLoop.has(name) }).toEqual({ name, passed: !LOCAL_ONLY.has(name) });
    }
  });

  it('points the containers at the compose Temporal, in one namespace', () => {
    expect(apiEnv.TEMPORAL_ADDRESS).toBe('${TEMPORAL_ADDRESS:-temporal:7233}');
    expect(workerEnv.TEMPORAL_ADDRESS).toBe('${TEMPORAL_ADDRESS:-temporal:7233}');
    const namespace = environmentOf(service('temporal')).DEFAULT_NAMESPACE;
    expect(namespace).toBe('${TEMPORAL_NAMESPACE:-default}');
    expect(apiEnv.TEMPORAL_NAMESPACE).toBe(namespace);
    expect(workerEnv.TEMPORAL_NAMESPACE).toBe(namespace);
  });
});
