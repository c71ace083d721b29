import { readFileSync } from 'node:fs';
import type { TemporalConfig } from './env';

/** Accepts either PEM text or a path to a PEM file, so the same variable works in Kubernetes secrets and on disk. */
const pem = (value: string): Buffer =>
  Buffer.from(value.includes('-----BEGIN') ? value : readFileSync(value, 'utf8'));

/** Connection options shared by Client (API) and NativeConnection (worker). */
export function temporalConnectionOptions(cfg: TemporalConfig) {
  const mtls =
    cfg.TEMPORAL_TLS_CERT && cfg.TEMPORAL_TLS_KEY
      ? { clientCertPair: { crt: pem(cfg.TEMPORAL_TLS_CERT), key: pem(cfg.TEMPORAL_TLS_KEY) } }
      : undefined;
  return {
    address: cfg.TEMPORAL_ADDRESS,
    tls: mtls ?? (cfg.TEMPORAL_API_KEY ? true : undefined),
    apiKey: cfg.TEMPORAL_API_KEY,
  };
}
