import fc from 'fast-check';
import { parseCommandText } from '../../../src/api/slack/command-text';
import { serviceNowEventSchema } from '../../../src/contracts/schemas/servicenow-event';
import { hostileText } from './strings';

/** No stack's fake ServiceNow numbers its incidents this low: commands that name it find nothing to act on. */
const NOBODYS_INCIDENT = 'INC0000042';
const RESPONSE_URL = 'http://127.0.0.1:9/response/hostile';
const or = <T>(usual: T) => fc.oneof({ weight: 2, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: hostileText });

const VERBS = ['help', 'status', 'jobs', 'incident', 'actions', 'audit', 'approve', 'reject', 'cancel', 'resolve', 'investigate', 'run', 'frobnicate'];
const commandText = fc.oneof(
  hostileText,
  fc.tuple(fc.constantFrom(...VERBS), fc.oneof(hostileText, fc.constant(NOBODYS_INCIDENT), fc.constant(`${NOBODYS_INCIDENT} now`))).map(([verb, rest]) => `${verb} ${rest}`),
);

/** A command that would legitimately start work (a resolution, an investigation, a runbook action) is not hostile. */
export const startsWork = (form: Record<string, string>): boolean =>
  ['resolve', 'investigate', 'run'].includes(parseCommandText(form.command ?? '', form.text ?? '').kind);

/** Slash command forms with hostile values in every field, some fields missing. */
export const slashForms: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    command: fc.oneof(fc.constantFrom('/ops', '/ops-resolve'), hostileText),
    text: commandText,
    user_id: or('U0MALLORY'),
    user_name: or('mallory'),
    channel_id: or('C0INCIDENTS'),
    response_url: or(RESPONSE_URL),
    trigger_id: or('1.hostile'),
    ssl_check: fc.constant('1'),
  },
  { requiredKeys: ['command', 'text'] },
);

const blockActions = fc.record({
  type: fc.constant('block_actions'),
  user: fc.record({ id: or('U0MALLORY') }),
  response_url: or(RESPONSE_URL),
  actions: fc.array(
    fc.record({
      action_id: fc.oneof(fc.constantFrom('opsloop.decision.approve', 'opsloop.decision.reject', 'opsloop.decision.escalate', 'opsloop.preview'), hostileText),
      value: fc.oneof(fc.constantFrom(`incident/${NOBODYS_INCIDENT}/approval/1`, `incident/${NOBODYS_INCIDENT}/approval/1|${'a'.repeat(64)}`, `incident/${NOBODYS_INCIDENT}/approval/1|zz`), hostileText),
      action_ts: or('1700000000.000100'),
    }),
    { maxLength: 3 },
  ),
});
// Only the resolve modal, and never with a usable incident in its metadata: a valid submission is not hostile.
const viewSubmission = fc.record({
  type: fc.constant('view_submission'),
  user: fc.record({ id: or('U0MALLORY') }),
  view: fc.record({
    id: or('V0HOSTILE'),
    callback_id: fc.oneof(fc.constant('opsloop.resolve'), hostileText),
    private_metadata: fc.oneof(hostileText, hostileText.map((n) => JSON.stringify({ incidentNumber: n }))),
    state: fc.record({ values: fc.dictionary(hostileText, fc.dictionary(hostileText, fc.record({ type: hostileText, value: hostileText }), { maxKeys: 2 }), { maxKeys: 3 }) }),
  }),
});
const otherInteraction = fc.record({ type: fc.oneof(fc.constantFrom('shortcut', 'message_action', 'view_closed', 'block_suggestion'), hostileText), user: fc.record({ id: hostileText }) });

/** Interaction forms: a payload that is JSON of anything, a hostile click, modal or other type, or not JSON at all. */
export const interactionForms: fc.Arbitrary<Record<string, string>> = fc.oneof(
  fc.oneof(fc.jsonValue(), blockActions, viewSubmission, otherInteraction).map((payload) => ({ payload: JSON.stringify(payload) ?? 'null' })),
  hostileText.map((payload) => ({ payload })),
  fc.dictionary(hostileText, hostileText, { maxKeys: 3 }),
);

const event = fc.oneof(
  fc.record({ type: fc.oneof(fc.constantFrom('message', 'reaction_added', 'app_home_opened'), hostileText), user: hostileText, text: hostileText, channel: hostileText, ts: hostileText }),
  // An app_mention by a bot, or without its user, channel or ts, is not a command.
  fc.record({ type: fc.constant('app_mention'), bot_id: or('B0BOT').filter((id) => id.length > 0), user: hostileText, text: hostileText, channel: hostileText, ts: hostileText }),
  fc.record({ type: fc.constant('app_mention'), text: hostileText }, { requiredKeys: ['type'] }),
);

/** Events API bodies: anything JSON, URL checks with hostile or oversized challenges, callbacks that are not commands. */
export const eventBodies: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
  fc.record({ type: fc.constant('url_verification'), challenge: fc.oneof(hostileText, fc.string({ minLength: 501, maxLength: 700 })) }).map((v) => JSON.stringify(v)),
  fc.record({ type: fc.constant('event_callback'), event_id: or('EvHOSTILE'), event }).map((v) => JSON.stringify(v)),
  hostileText,
);

const FIELDS = ['sys_id', 'number', 'priority', 'state', 'sys_mod_count', 'operation', 'short_description', 'sys_updated_on'] as const;
/** A valid event (the test checks it is) that each mutation breaks in one field. */
export const VALID_EVENT = {
  sys_id: 'a'.repeat(32),
  number: NOBODYS_INCIDENT,
  short_description: 'Disk full on db-07',
  description: '',
  priority: '3',
  urgency: '2',
  impact: '2',
  state: '2',
  assignment_group: '',
  cmdb_ci: '',
  sys_updated_on: '2026-01-01 00:00:00',
  sys_mod_count: '0',
  operation: 'update',
};

/** Business Rule bodies that are not valid incident events (the schema itself is the oracle), or not JSON. */
export const serviceNowBodies: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
  fc
    .tuple(fc.constantFrom(...FIELDS), fc.oneof(hostileText, fc.jsonValue()))
    .map(([field, value]) => ({ ...VALID_EVENT, [field]: value }))
    .filter((e) => !serviceNowEventSchema.safeParse(e).success)
    .map((e) => JSON.stringify(e)),
  hostileText,
);

/** Agent callbacks: anything JSON, findings-like documents with hostile fields, EventBridge-like events, or not JSON. */
export const agentBodies: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
  fc.record({ incidentNumber: hostileText, summary: hostileText, status: or('completed'), proposedAction: fc.record({ name: hostileText, params: fc.dictionary(hostileText, hostileText) }) }, { requiredKeys: ['incidentNumber'] }).map((v) => JSON.stringify(v)),
  fc.record({ source: fc.constant('aws.aidevops'), 'detail-type': hostileText, incidentNumber: hostileText, summary: hostileText }).map((v) => JSON.stringify(v)),
  hostileText,
);
