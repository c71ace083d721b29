// Workflow-safe: plain types and constants only; the request's zod schema is in ./schemas/resolution.
import type { ResolutionRequest } from './schemas/resolution';

export type { ResolutionRequest };

export interface ResolutionInput {
  incidentNumber: string;
  closeCode: string;
  /** Close notes; when absent the workflow writes a note naming who resolved it through OpsLoop. */
  closeNotes?: string;
  requestedBy?: ResolutionRequest;
  /** Known when an investigation asks: the incident need not be looked up by number first. */
  sysId?: string;
  priority?: string;
}

export type ResolutionOutcome =
  | { status: 'resolved'; incidentNumber: string; sysId: string; resolvedBy: string }
  | { status: 'already-finished'; incidentNumber: string; state: string };

export const DEFAULT_CLOSE_CODE = 'Solution provided';
