import { IncidentConditionError, normaliseIncidentCondition } from '../contracts/incident-condition';

/**
 * Renders the ServiceNow Business Rule that posts incident inserts/updates to OpsLoop's /webhooks/servicenow.
 * The output runs on ServiceNow's Rhino engine, so it is ES5 only: `var`, `function`, no `=>`, no backticks.
 * It matches src/contracts/schemas/servicenow-event.ts (payload) and src/signing/webhook-signature.ts (authentication).
 */
export interface BusinessRuleOptions {
  /** Public base URL of the OpsLoop API; the rule posts to `${endpointUrl}/webhooks/servicenow`. */
  endpointUrl: string;
  /** System property (type password2) holding the value of OpsLoop's SERVICENOW_WEBHOOK_SECRET. */
  secretProperty: string;
  auth: 'hmac' | 'bearer';
  /**
   * An encoded query (`assignment_group.name=SRE^priority<=2`); incidents that do not match it are not sent. The
   * worker's SERVICENOW_INCIDENT_CONDITION must be the same, so the reconcile schedule reads the same incidents.
   */
  condition?: string;
  /**
   * OpsLoop's integration user: updates it makes (its work notes, the resolution) are not sent back, since OpsLoop
   * already knows them; each would cost a webhook and a workflow signal. Inserts by that user are still sent.
   */
  skipUser?: string;
}

export const DEFAULT_SECRET_PROPERTY = 'opsloop.webhook_secret';
export const WEBHOOK_PATH = '/webhooks/servicenow';

/** Thrown for options that would yield a broken or unsafe rule; the message is one line, fit for a CLI. */
export class BusinessRuleOptionError extends Error {
  override name = 'BusinessRuleOptionError';
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1']);

/** Validates the OpsLoop base URL and returns the full webhook endpoint. */
export function webhookEndpoint(endpointUrl: string): string {
  let url: URL;
  try {
    url = new URL(endpointUrl);
  } catch {
    throw new BusinessRuleOptionError(`--url is not a valid URL: ${endpointUrl}`);
  }
  const local = LOCAL_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw new BusinessRuleOptionError(`--url must use https (http is allowed only for localhost or 127.0.0.1): ${endpointUrl}`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new BusinessRuleOptionError(`--url must be a plain base URL, without credentials, query or fragment: ${endpointUrl}`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}${WEBHOOK_PATH}`;
}

function checkOptions(options: BusinessRuleOptions): void {
  if (!/^[A-Za-z0-9_.-]+$/.test(options.secretProperty)) {
    throw new BusinessRuleOptionError(`--secret-property must be a system property name like ${DEFAULT_SECRET_PROPERTY}: ${options.secretProperty}`);
  }
  if (options.skipUser !== undefined && !/^[A-Za-z0-9_.@-]+$/.test(options.skipUser)) {
    throw new BusinessRuleOptionError(`--skip-user must be a ServiceNow user name like opsloop.integration: ${options.skipUser}`);
  }
  if (options.condition !== undefined) condition(options);
}

/** The condition as the rule and the reconcile schedule both use it. */
function condition(options: BusinessRuleOptions): string | undefined {
  if (options.condition === undefined) return undefined;
  try {
    const normalised = normaliseIncidentCondition(options.condition);
    if (!normalised) throw new IncidentConditionError('must not be empty');
    return normalised;
  } catch (err) {
    throw new BusinessRuleOptionError(`--condition ${(err as Error).message}`);
  }
}

const authorize = (auth: BusinessRuleOptions['auth']): string =>
  auth === 'hmac'
    ? String.raw`
        var timestamp = String(Math.floor(new GlideDateTime().getNumericValue() / 1000));
        var signature = new GlideCertificateEncryption().generateMac(GlideStringUtil.base64Encode(secret), 'HmacSHA256', timestamp + ':' + body);
        request.setRequestHeader('X-OpsLoop-Timestamp', timestamp);
        request.setRequestHeader('X-OpsLoop-Signature', signature);`
    : String.raw`
        request.setRequestHeader('Authorization', 'Bearer ' + secret);`;

const skipOwnUpdates = (user: string | undefined): string =>
  user === undefined
    ? ''
    : String.raw`
    if (String(current.operation()) === 'update' && gs.getUserName() === ${JSON.stringify(user)}) {
        return;
    }
`;

// GlideFilter is case-sensitive by default and a Table API query is not: the rule makes them agree.
const guard = (condition: string | undefined): string =>
  condition === undefined
    ? ''
    : String.raw`
    var filter = new GlideFilter(${JSON.stringify(condition)}, 'OpsLoop incidents');
    filter.setCaseSensitive(false);
    if (!filter.match(current, true)) {
        return;
    }
`;

function header(options: BusinessRuleOptions, endpoint: string): string {
  const lines = [
    `OpsLoop: posts incident inserts and updates to ${endpoint}`,
    '',
    'Where: System Definition > Business Rules > New, in the Global application scope',
    '  (GlideCertificateEncryption exists only there). Table: Incident [incident]; Advanced: checked;',
    '  When: after; Insert and Update checked; paste this whole script into the Advanced tab.',
    `Secret: create the system property "${options.secretProperty}" (Type: password2) holding the value of`,
    "  OpsLoop's SERVICENOW_WEBHOOK_SECRET. The script reads it at run time; never paste the secret here.",
    options.auth === 'hmac'
      ? 'Auth: HMAC-SHA256 signature (X-OpsLoop-Timestamp, X-OpsLoop-Signature), valid for 5 minutes.'
      : 'Auth: Authorization: Bearer <secret> (no integrity or replay protection; prefer --auth hmac).',
    ...(options.condition === undefined
      ? []
      : [`Only incidents matching this encoded query are sent: ${options.condition}`, "  Set OpsLoop's SERVICENOW_INCIDENT_CONDITION to the same query, so its reconcile schedule reads the same incidents."]),
    ...(options.skipUser === undefined ? [] : [`Updates made by ${options.skipUser} (OpsLoop's own writes) are not sent back.`]),
    'Delivery: executeAsync() queues the POST so the save is not slowed, and nothing waits for the answer.',
    "  Business Rules never retry: OpsLoop's reconcile schedule re-reads recently updated incidents and",
    '  covers missed deliveries. Failed requests show under System Logs > Outbound HTTP Requests.',
  ];
  return lines.map((line) => `// ${line}`.trimEnd()).join('\n');
}

/** The Business Rule script: paste into an Advanced, after insert/update rule on `incident`. */
export function renderBusinessRule(given: BusinessRuleOptions): string {
  const endpoint = webhookEndpoint(given.endpointUrl);
  checkOptions(given);
  const options = { ...given, condition: condition(given) };
  return `${header(options, endpoint)}
${String.raw`(function executeRule(current, previous /* null when async */) {
    var ENDPOINT = ${JSON.stringify(endpoint)};
    var SECRET_PROPERTY = ${JSON.stringify(options.secretProperty)};
${guard(options.condition)}${skipOwnUpdates(options.skipUser)}
    function value(name) {
        var v = current.getValue(name);
        return v === null || v === undefined ? '' : String(v);
    }

    function display(name) {
        var v = current.getDisplayValue(name);
        return v === null || v === undefined ? '' : String(v);
    }

    var number = value('number');
    var secret = gs.getProperty(SECRET_PROPERTY);
    if (!secret) {
        gs.error('OpsLoop webhook: system property ' + SECRET_PROPERTY + ' is not set; ' + number + ' was not sent');
        return;
    }
    try {
        var payload = {
            sys_id: value('sys_id'),
            number: number,
            short_description: value('short_description'),
            description: value('description'),
            priority: value('priority'),
            urgency: value('urgency'),
            impact: value('impact'),
            state: value('state'),
            assignment_group: display('assignment_group'),
            cmdb_ci: display('cmdb_ci'),
            sys_updated_on: value('sys_updated_on'),
            sys_mod_count: value('sys_mod_count'),
            operation: String(current.operation())
        };
        // Pure ASCII on the wire: the signed text and the sent bytes then agree whatever charset the instance uses.
        var body = JSON.stringify(payload).replace(/[\u007f-\uffff]/g, function (c) {
            return '\\u' + ('0000' + c.charCodeAt(0).toString(16)).slice(-4);
        });
        var request = new sn_ws.RESTMessageV2();
        request.setEndpoint(ENDPOINT);
        request.setHttpMethod('post');
        request.setRequestHeader('Content-Type', 'application/json');${authorize(options.auth)}
        request.setRequestBody(body);
        request.setHttpTimeout(10000);
        request.executeAsync();
    } catch (e) {
        // Java exceptions can echo header values; keep the secret out of the system log.
        var reason = String(e && e.message ? e.message : e).split(secret).join('***');
        gs.error('OpsLoop webhook: could not send ' + number + ': ' + reason);
    }
})(current, previous);`}
`;
}

/** Short plain-text how-to for installing the rule. */
export function renderInstructions(given: BusinessRuleOptions): string {
  const endpoint = webhookEndpoint(given.endpointUrl);
  checkOptions(given);
  const options = { ...given, condition: condition(given) };
  return [
    `Install the OpsLoop Business Rule (posts to ${endpoint}):`,
    '',
    '1. Create the secret (System Properties: open sys_properties.list, New), in the Global scope:',
    `     Name: ${options.secretProperty}    Type: password2`,
    "     Value: the same value as OpsLoop's SERVICENOW_WEBHOOK_SECRET",
    '2. Create the Business Rule (System Definition > Business Rules > New), in the Global scope:',
    '     Table: Incident [incident]    Advanced: checked',
    '     When: after    Insert: checked    Update: checked',
    ...(options.condition === undefined
      ? []
      : [`     (The condition "${options.condition}" is built into the script; set SERVICENOW_INCIDENT_CONDITION to it too.)`]),
    '3. On the Advanced tab, replace the Script with the generated script, then Submit.',
    '',
    options.auth === 'hmac'
      ? 'Requests are signed with HMAC-SHA256 (X-OpsLoop-Timestamp, X-OpsLoop-Signature).'
      : 'Requests carry Authorization: Bearer <secret>; --auth hmac is safer (integrity, replay window).',
    "Business Rules never retry; OpsLoop's reconcile schedule picks up missed deliveries.",
    '',
  ].join('\n');
}
