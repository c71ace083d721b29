import { loadApiConfig, loadOrExit } from '../config/env';
import { createLogger } from '../log';
import { reloadPolicyOnSighup } from '../policy/reload-on-sighup';
import { wireApi } from './wire-api';

async function main(): Promise<void> {
  const cfg = loadOrExit(() => loadApiConfig());
  const logger = createLogger({ level: cfg.LOG_LEVEL, name: 'opsloop-api' });
  const { app, policy, close } = await wireApi(cfg, logger);
  reloadPolicyOnSighup(policy, logger);
  const server = app.listen(cfg.PORT, () => {
    logger.info({ port: cfg.PORT, temporal: cfg.TEMPORAL_ADDRESS }, 'api listening');
  });
  const stop = () => {
    server.close(() => {
      void close().finally(() => process.exit(0));
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`opsloop api failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
