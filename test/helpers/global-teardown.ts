export default async function globalTeardown(): Promise<void> {
  await globalThis.__OPSLOOP_DEV_SERVER__?.stop();
}
