import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode, type ReplayWorkerOptions } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { HISTORIES_DIR, historyFromJson, type RecordedHistory } from '../helpers/record-history';
import { workflowBundle } from '../helpers/temporal';

interface Replayable extends RecordedHistory {
  file: string;
}

function loadRecordedHistories(): Replayable[] {
  return readdirSync(HISTORIES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const recorded = JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8')) as Partial<RecordedHistory>;
      if (typeof recorded.workflowId !== 'string' || typeof recorded.workflowType !== 'string' || !recorded.history) {
        throw new Error(`${file} is not a recorded history (see test/helpers/record-history.ts)`);
      }
      return { file, workflowId: recorded.workflowId, workflowType: recorded.workflowType, history: recorded.history };
    });
}

/** Replays every history in one replay worker; the errors (or undefined) come back keyed by file. */
async function replayAll(options: ReplayWorkerOptions, recorded: Replayable[]): Promise<Map<string, Error | undefined>> {
  const errors = new Map<string, Error | undefined>();
  const inputs = recorded.map((r) => ({ workflowId: r.workflowId, history: historyFromJson(r.history) }));
  let i = 0;
  // Results come back one per history, in the order given.
  for await (const result of Worker.runReplayHistories(options, inputs)) {
    errors.set(recorded[i++]!.file, result.error);
  }
  return errors;
}

describe('recorded histories replay against the current workflow code', () => {
  const recorded = loadRecordedHistories();

  beforeAll(() => {
    // The deliberate break makes Core warn about every failed workflow task; the assertions below say all of it.
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  });

  it('has the recorded histories to replay', () => {
    // An emptied or half-recorded folder must not pass silently.
    expect(recorded.length).toBeGreaterThanOrEqual(8);
    expect([...new Set(recorded.map((r) => r.workflowType))]).toEqual(expect.arrayContaining(['incidentInvestigation', 'humanApproval', 'resolution']));
  });

  it('replays every recorded history without a determinism error', async () => {
    const errors = await replayAll({ workflowBundle: workflowBundle() }, recorded);
    const failures = [...errors].filter(([, error]) => error).map(([file, error]) => `${file}: ${error!.name}: ${error!.message}`);
    expect(failures).toEqual([]);
    expect(errors.size).toBe(recorded.length);
  });

  it('reports a DeterminismViolationError when resolution gains an activity call, and only for resolution', async () => {
    const broken = await bundleWorkflowCode({
      workflowsPath: require.resolve('../replay/nondeterministic/workflows'),
      logger: new DefaultLogger('WARN'),
    });
    const errors = await replayAll({ workflowBundle: broken }, recorded);

    const resolutions = recorded.filter((r) => r.workflowType === 'resolution').map((r) => r.file);
    expect(resolutions.length).toBeGreaterThan(0);
    for (const [file, error] of errors) {
      if (resolutions.includes(file)) {
        expect({ file, error }).toEqual({ file, error: expect.any(DeterminismViolationError) });
      } else {
        expect({ file, error }).toEqual({ file, error: undefined });
      }
    }
  });
});
