import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ResolutionRequest } from '../contracts/resolution';

/** A person asked (again) to resolve the incident; they are told the outcome through their response_url. */
export const resolutionRequestedSignal = defineSignal<[ResolutionRequest]>('resolutionRequested');

/** The Resolution workflow's current stage, for `/ops status` and operators. */
export const resolutionStageQuery = defineQuery<string>('resolutionStage');
