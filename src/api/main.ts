import { loadApiConfig, loadOrExit } from '../config/env';
import { createLogger } from '../log';
import { reloadPolicyOnSighup } from '../policy/reload-on-sighup';
import { wireApi } from './wire-api';

async function main(): Promise<void> {
  const cfg = loadOrExit(() => loadApiConfig());
  const logger = createLogger({ level: cfg.LOG_LEVEL, name: 'opsloop-api' });
  const { app, policy, close } = await wireApi(cfg, logger);
  reloadPolicyOnSighup(policy, logger);
  // Express 5 hands a failed listen to this callback instead of throwing: without the check, a port already in use
  // was logged as "api listening" while another process answered every request.
  const server = app.listen(cfg.PORT, (err?: Error) => {
    if (err) {
      const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
      process.stderr.write(`opsloop api failed: ${inUse ? `port ${cfg.PORT} is already in use (another process listens on it); set PORT to a free one` : `cannot listen on port ${cfg.PORT}: ${err.message}`}\n`);
      process.exit(1);
    }
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
