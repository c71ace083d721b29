import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const IncidentNumber = defineSearchAttributeKey('IncidentNumber', SearchAttributeType.KEYWORD);
export const IncidentPriority = defineSearchAttributeKey('IncidentPriority', SearchAttributeType.KEYWORD);
export const OpsStage = defineSearchAttributeKey('OpsStage', SearchAttributeType.KEYWORD);
export const SlackChannel = defineSearchAttributeKey('SlackChannel', SearchAttributeType.KEYWORD);
/** The Slack user who asked for the run (for `/ops jobs`). */
export const OpsRequester = defineSearchAttributeKey('OpsRequester', SearchAttributeType.KEYWORD);

/** The AWS DevOps Agent task investigating the incident: finds the run from an AWS task and routes its events. */
export const AgentTaskId = defineSearchAttributeKey('AgentTaskId', SearchAttributeType.KEYWORD);

/** The policy route the incident went to (`routes:`; "default" when none took it). */
export const OpsRoute = defineSearchAttributeKey('OpsRoute', SearchAttributeType.KEYWORD);

/** Every custom attribute OpsLoop writes; the dev server and clusters must have them registered. */
export const OPSLOOP_SEARCH_ATTRIBUTES = [IncidentNumber, IncidentPriority, OpsStage, SlackChannel, OpsRequester, AgentTaskId, OpsRoute];

/** Every value OpsLoop writes to `OpsStage`: the incident loop's stages, then a runbook action's. */
export const OPS_STAGES = [
  'investigating',
  'awaiting-decision',
  'resolving',
  'resolved',
  'rejected',
  'expired',
  'failed',
  'requested',
  'running',
  'succeeded',
  'cancelled',
] as const;
export type OpsStageValue = (typeof OPS_STAGES)[number];
