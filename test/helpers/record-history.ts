import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

/** Where recorded histories live; test/integration/replay.test.ts replays every file in it. */
export const HISTORIES_DIR = join(__dirname, '..', 'replay', 'histories');

/**
 * One file in {@link HISTORIES_DIR}. `history` is the JSON form the Temporal CLI and Web UI export; the workflow id
 * is kept because histories do not carry it, and the type so a reader (or a test) can pick histories by workflow.
 */
export interface RecordedHistory {
  workflowId: string;
  workflowType: string;
  history: unknown;
}

/** Recording waits at most this long for a run to close: an open run's history would end mid-story. */
const CLOSE_TIMEOUT_MS = 15_000;

/**
 * Saves the history of the run `workflowId` as `test/replay/histories/<name>.json`, but only when
 * `OPSLOOP_RECORD_HISTORIES=1`; otherwise it does nothing, so tests can call it unconditionally.
 */
export async function recordHistory(client: Client, workflowId: string, name: string): Promise<void> {
  if (process.env.OPSLOOP_RECORD_HISTORIES !== '1') return;
  const handle = client.workflow.getHandle(workflowId);
  let timer: NodeJS.Timeout | undefined;
  const closed = await Promise.race([
    handle.result().then(
      () => true,
      () => true, // a failed run is closed too, and just as worth replaying
    ),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), CLOSE_TIMEOUT_MS))),
  ]).finally(() => clearTimeout(timer));
  if (!closed) throw new Error(`cannot record ${workflowId}: still running after ${CLOSE_TIMEOUT_MS} ms`);

  const history = await handle.fetchHistory();
  const workflowType = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
  if (!workflowType) throw new Error(`cannot record ${workflowId}: its history does not start with WorkflowExecutionStarted`);
  const recorded: RecordedHistory = { workflowId, workflowType, history: JSON.parse(historyToJSON(history)) };
  mkdirSync(HISTORIES_DIR, { recursive: true });
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), `${JSON.stringify(recorded, null, 2)}\n`);
}
