import { randomBytes } from 'node:crypto';
import { WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER, webhookSignature } from '../../src/signing/webhook-signature';
import { toIncidentSnapshot } from '../../src/api/servicenow-event';
import type { IncidentSnapshot } from '../../src/contracts/investigation';
import { SEED_INCIDENTS } from '../../src/sandbox/seed-incidents';
import type { PreparedRequest } from './http-client';

/** The incident every bench run opens: the sandbox's first seed (checkout-api latency), without its number. */
export const { number: _seedNumber, ...BENCH_INCIDENT } = SEED_INCIDENTS[0]!;

/** A new incident as a Business Rule would post it on insert; numbers count up from `firstNumber`. */
export function incidentEvent(number: number) {
  return {
    sys_id: randomBytes(16).toString('hex'),
    number: `INC${String(number).padStart(7, '0')}`,
    ...BENCH_INCIDENT,
    sys_updated_on: new Date().toISOString().replace('T', ' ').slice(0, 19),
    sys_mod_count: '0',
    operation: 'insert',
  };
}

export type IncidentEvent = ReturnType<typeof incidentEvent>;

/** The snapshot the API makes of the event (its own function), for the direct signalWithStart floor. */
export const snapshotOf = (e: IncidentEvent): IncidentSnapshot => toIncidentSnapshot({ ...e, operation: 'insert' });

/** The event signed as the Business Rule signs it. */
export function signedWebhook(secret: string, event: IncidentEvent): PreparedRequest {
  const body = JSON.stringify(event);
  const timestamp = String(Math.floor(Date.now() / 1000));
  return {
    path: '/webhooks/servicenow',
    headers: {
      'content-type': 'application/json',
      [WEBHOOK_TIMESTAMP_HEADER]: timestamp,
      [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(secret, timestamp, body),
    },
    body,
  };
}
