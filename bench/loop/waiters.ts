/** Keyed one-shot events: `wait(key)` resolves when `emit(key)` happened, before or after. */
export function createWaiters<T>() {
  const seen = new Map<string, T>();
  const pending = new Map<string, { resolve: (value: T) => void; timer: NodeJS.Timeout }>();
  return {
    emit(key: string, value: T): void {
      if (seen.has(key)) return;
      seen.set(key, value);
      const waiter = pending.get(key);
      if (waiter) {
        clearTimeout(waiter.timer);
        pending.delete(key);
        waiter.resolve(value);
      }
    },
    wait(key: string, timeoutMs: number, what: string): Promise<T> {
      const value = seen.get(key);
      if (value !== undefined) return Promise.resolve(value);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(key);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} of ${key}`));
        }, timeoutMs);
        pending.set(key, { resolve, timer });
      });
    },
    forget(key: string): void {
      seen.delete(key);
    },
    clear(): void {
      seen.clear();
    },
  };
}
