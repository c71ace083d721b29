import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Activities } from '../../src/activities';
import { quietRuntime, temporalAddress, workflowBundle } from '../helpers/temporal';

/**
 * Workflow-level tests: the real workflow bundle on the real dev server, with activities written inline by the test.
 * No HTTP stack and no fakes: each test says exactly what every activity answers, and reads what was called.
 */

export type ActivityCall = { name: string; args: unknown[] };
export type InlineActivities = Partial<Record<keyof Activities, (...args: never[]) => unknown>>;

export interface WorkflowHarness {
  client: Client;
  taskQueue: string;
  calls: ActivityCall[];
  callsOf(name: keyof Activities): unknown[][];
  close(): Promise<void>;
}

/** Activities built for the harness's own client and task queue (the real Temporal-client activities, say), beside test-only ones. */
export type ActivitiesFor = (harness: { client: Client; taskQueue: string }) => Record<string, (...args: never[]) => unknown>;

export interface HarnessOptions {
  /** A bundle with test workflows beside the real ones; the run's shared bundle otherwise. */
  workflowBundle?: { code: string };
}

/** Starts a worker on a fresh task queue with the given activities; every call is recorded before it runs. */
export async function startWorkflowHarness(given: InlineActivities | ActivitiesFor, options: HarnessOptions = {}): Promise<WorkflowHarness> {
  quietRuntime();
  const address = temporalAddress();
  const taskQueue = `wf-${randomUUID()}`;
  const calls: ActivityCall[] = [];
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const activities = typeof given === 'function' ? given({ client, taskQueue }) : given;
  const recorded = Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      (...args: unknown[]) => {
        calls.push({ name, args });
        return (fn as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  );
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    activities: recorded,
    workflowBundle: options.workflowBundle ?? workflowBundle(),
    shutdownGraceTime: '1s',
  });
  const running = worker.run();
  return {
    client,
    taskQueue,
    calls,
    callsOf: (name) => calls.filter((c) => c.name === name).map((c) => c.args),
    async close() {
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
    },
  };
}

/** Polls until `probe` returns something other than undefined (or throws after `timeoutMs`). */
export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
