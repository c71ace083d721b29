import { WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER, webhookSignature } from '../signing/webhook-signature';
import type { FakeIncident } from './fake-incident';

export interface BusinessRuleTarget {
  /** OpsLoop's API base URL. */
  url: string;
  secret: string;
  /** As the generated rule's --skip-user: updates this user makes are not sent (OpsLoop's own writes). */
  skipUser?: string;
  /** As the generated rule's --condition (an encoded query): incidents that do not match it are not sent. */
  condition?: string;
}

/** The event body OpsLoop's generated Business Rule sends (see src/servicenow/business-rule.ts): references as display values. */
export function businessRuleBody(incident: FakeIncident, operation: 'insert' | 'update'): string {
  return JSON.stringify({
    sys_id: incident.sys_id,
    number: incident.number,
    short_description: incident.short_description,
    description: incident.description,
    priority: incident.priority,
    urgency: incident.urgency,
    impact: incident.impact,
    state: incident.state,
    assignment_group: incident.display.assignment_group,
    cmdb_ci: incident.display.cmdb_ci,
    sys_updated_on: incident.sys_updated_on,
    sys_mod_count: incident.sys_mod_count,
    operation,
  });
}

/** Posts an incident event signed as the Business Rule signs it; returns the HTTP status (0 when unreachable). */
export async function sendBusinessRuleEvent(target: BusinessRuleTarget, body: string, nowMs = Date.now()): Promise<number> {
  const timestamp = String(Math.floor(nowMs / 1000));
  try {
    const res = await fetch(`${target.url}/webhooks/servicenow`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [WEBHOOK_TIMESTAMP_HEADER]: timestamp,
        [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(target.secret, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}
