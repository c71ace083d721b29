import type { AuditStore } from '../audit/audit-store';
import type { OnCallProvider, ResolveOnCall } from '../clients/oncall/on-call-provider';
import type { PolicyStore } from '../policy/policy-store';
import type { Catalog } from '../runbook/catalog-schema';
import type { Responder } from './respond';
import type { ApiSlack } from './slack/slack-web';
import type { WorkflowGateway } from './workflow-gateway';

// What every command handler is given and returns: shared by the command router and the runbook command.

export interface CommandDeps {
  gateway: WorkflowGateway;
  /** The runbook catalog (empty without OPSLOOP_ACTIONS_FILE). */
  catalog?: () => Catalog;
  policy: PolicyStore;
  audit: AuditStore;
  groupsOf: (userId: string) => Promise<string[]>;
  slack?: ApiSlack;
  /** Follow-ups through a command's response_url (a decision confirmed after the answer went out). */
  respond?: Responder;
  /** Who is on call (`/ops oncall`); absent: the reply says no on-call provider is configured. */
  onCall?: {
    provider: OnCallProvider;
    /** A route name and level to its escalation policy (routing keys are not used here); absent: no routes yet. */
    resolveOnCall?: ResolveOnCall;
    /** The configured route names, offered when a route is missing or unknown. */
    routeNames?: () => string[];
  };
}

export interface CommandContext {
  source: 'slash-command' | 'mention' | 'modal';
  userId: string;
  userName?: string;
  channelId: string;
  text: string;
  responseUrl?: string;
  triggerId?: string;
  /** For mentions: the thread replies go to. */
  thread?: { channel: string; ts: string };
  eventId?: string;
}

/** What the caller sees now; `later` means a workflow will reply (resolution outcome, mention thread). */
export interface CommandReply {
  text: string;
  denied?: boolean;
}
