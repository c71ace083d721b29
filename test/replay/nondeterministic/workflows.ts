/**
 * The real workflows with ONE deliberate, replay-breaking change: `resolution` looks the incident up once more before
 * doing anything else, an activity no recorded history scheduled. test/integration/replay.test.ts replays the
 * recorded histories against this bundle and expects a DeterminismViolationError for every resolution, which proves
 * the replay suite catches a real break rather than passing vacuously.
 */
import type { ResolutionInput, ResolutionOutcome } from '../../../src/contracts/resolution';
import { servicenow } from '../../../src/workflows/proxies';
import { resolution as realResolution } from '../../../src/workflows/resolution';

// Every other workflow unchanged; the local `resolution` below shadows the star export.
export * from '../../../src/workflows';

export async function resolution(input: ResolutionInput): Promise<ResolutionOutcome> {
  await servicenow.findIncident(input.incidentNumber); // the deliberate change
  return realResolution(input);
}
