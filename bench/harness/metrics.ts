/** Sums a Prometheus metric (all label sets) from a text exposition: 0 when not exported yet, undefined when unreachable. */
export async function scrapeMetric(url: string, name: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(url, { signal: AbortSignal.timeout(2_000) })).text();
    let total = 0;
    for (const line of text.split('\n')) {
      const match = new RegExp(`^${name}(\\{[^}]*\\})?\\s+([0-9.eE+-]+)$`).exec(line);
      if (match) total += Number(match[2]);
    }
    return total;
  } catch {
    return undefined;
  }
}
