import type { Logger } from '../log';
import type { PolicyStore } from './policy-store';

/** `kill -HUP <pid>` re-reads the policy file; a broken file keeps the last good policy and says why. */
export function reloadPolicyOnSighup(store: PolicyStore, log: Logger): void {
  process.on('SIGHUP', () => {
    const result = store.reload();
    if (result.ok) log.info('policy reloaded');
    else log.error({ error: result.error }, 'policy reload failed; keeping the last good policy');
  });
}
