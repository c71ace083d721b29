import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

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

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): unknown;
}

/*
 * Why not historyToJSON/historyFromJSON from '@temporalio/common/lib/proto-utils': in this install (SDK 1.24) npm
 * cannot hoist protobufjs 8 (grpc-js keeps protobufjs 7 at the top), so @temporalio/common and @temporalio/proto get
 * separate copies, and common's protojson rejects proto's types ("type must be a Type"). Worker.runReplayHistory
 * routes JSON through that same function, so the replay test converts with these two instead. They use the protojson
 * of the protobufjs copy that @temporalio/proto itself loads, so the files keep the Temporal CLI / Web UI JSON format.
 */
const protojson = createRequire(require.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as ProtoJson;
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History');

/** A History as the JSON the Temporal CLI and Web UI export. */
export function historyToJson(history: History): unknown {
  return protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history));
}

/** The inverse of {@link historyToJson}: a History ready for `Worker.runReplayHistory`. */
export function historyFromJson(json: unknown): History {
  return protojson.fromJson(historyType, json, { ignoreUnknownFields: true }) as History;
}

/** Recording waits at most this long for a run to close: an open run's history would end mid-story. */
const CLOSE_TIMEOUT_MS = 15_000;

/**
 * Saves the history of the run `workflowId` as `test/replay/histories/<name>.json` once the run has closed
 * (`npm run replay:record` drives the scenarios that call it). A history already recorded is kept as it is: from 1.0.0
 * on it stands for runs in flight (README "Versioning"), so only new scenarios add files. Resolves whether it wrote.
 */
export async function recordHistory(client: Client, workflowId: string, name: string): Promise<'written' | 'kept'> {
  if (existsSync(join(HISTORIES_DIR, `${name}.json`))) return 'kept';
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
  const recorded: RecordedHistory = { workflowId, workflowType, history: historyToJson(history) };
  mkdirSync(HISTORIES_DIR, { recursive: true });
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), `${JSON.stringify(recorded, null, 2)}\n`);
  return 'written';
}
