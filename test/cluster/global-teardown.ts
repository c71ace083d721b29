import { rmSync } from 'node:fs';

export default function globalTeardown(): void {
  const dir = globalThis.__OPSLOOP_CLUSTER_BUNDLE_DIR__;
  if (dir) rmSync(dir, { recursive: true, force: true });
}
