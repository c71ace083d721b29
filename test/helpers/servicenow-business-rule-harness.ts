import { createHmac } from 'node:crypto';
import { createContext, runInContext } from 'node:vm';
import { matchesQuery, parseEncodedQuery } from '../../src/sandbox/encoded-query';

/**
 * Runs a generated Business Rule script (src/servicenow/business-rule.ts) in a node:vm context with small fakes of
 * the ServiceNow globals it uses, and records the outbound REST request it would queue.
 */

/** A GlideRecord row: stored values, plus display values for reference fields. */
export interface IncidentStub {
  values: Record<string, string>;
  displayValues?: Record<string, string>;
  operation?: 'insert' | 'update' | 'delete';
}

export interface HarnessOptions {
  /** Value of the secret system property; undefined: the property is not set. */
  secret: string | undefined;
  /** What `new GlideDateTime().getNumericValue()` returns (ms since the epoch). */
  nowMs: number;
  secretProperty?: string;
  /** What gs.getUserName() returns: the user whose change fired the rule. */
  userName?: string;
  /** Makes RESTMessageV2.execute/executeAsync throw, as a Java exception would. */
  failSend?: (request: RecordedRequest) => Error;
}

export interface RecordedRequest {
  endpoint: string;
  method: string;
  /** Header names as the script set them. */
  headers: Record<string, string>;
  body: string;
  timeoutMs: number | undefined;
  async: boolean;
}

export interface BusinessRuleRun {
  requests: RecordedRequest[];
  errors: string[];
}

export const SAMPLE_INCIDENT: IncidentStub = {
  values: {
    sys_id: '9d385017c611228701d22104cc95c371',
    number: 'INC0010042',
    short_description: 'Checkout API returns 502 — café région',
    description: '',
    priority: '1',
    urgency: '1',
    impact: '2',
    state: '2',
    assignment_group: '287ebd7da9fe198100f92cc8d1d2154e',
    cmdb_ci: 'b0c25d1bc0a800090168be1bfcdcd759',
    sys_updated_on: '2026-05-20 10:03:42',
    sys_mod_count: '4',
  },
  displayValues: { assignment_group: 'Network', cmdb_ci: 'web-01' },
  operation: 'update',
};

const HMAC_ALGORITHMS: Record<string, string> = { HmacSHA256: 'sha256', HmacSHA1: 'sha1', HmacMD5: 'md5' };

/** GlideCertificateEncryption.generateMac: the key arrives Base64-encoded, the MAC leaves Base64-encoded. */
function generateMac(base64Key: string, algorithm: string, data: string): string {
  const hash = HMAC_ALGORITHMS[algorithm];
  if (!hash) throw new Error(`generateMac: unsupported algorithm ${algorithm}`);
  if (base64Key.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64Key)) {
    throw new Error('generateMac: key must be Base64-encoded');
  }
  return createHmac(hash, Buffer.from(base64Key, 'base64')).update(data, 'utf8').digest('base64');
}

function fakeGlobals(incident: IncidentStub, options: HarnessOptions, run: BusinessRuleRun): Record<string, unknown> {
  const { values, displayValues = {}, operation = 'update' } = incident;
  const current = {
    // Like GlideRecord: null for an empty field.
    getValue: (name: string): string | null => values[name] || null,
    getDisplayValue: (name: string): string => displayValues[name] ?? values[name] ?? '',
    operation: (): string => operation,
  };
  // GlideFilter over `current`: a dot-walked `<reference>.name` reads the reference's display value (its name).
  const read = (field: string): string | undefined => {
    const [base = '', sub] = field.split('.');
    if (sub === undefined) return values[base] ?? undefined;
    return sub === 'name' ? displayValues[base] : undefined;
  };
  class GlideFilter {
    private caseSensitive = true;
    constructor(private readonly filter: string) {}
    setCaseSensitive(caseSensitive: boolean): void {
      this.caseSensitive = caseSensitive;
    }
    match(record: unknown, matchAll: boolean): boolean {
      if (record !== current || !matchAll) throw new Error('the harness GlideFilter matches `current` with all conditions only');
      return matchesQuery(parseEncodedQuery(this.filter), read, { caseSensitive: this.caseSensitive, emptyMatchesLess: true });
    }
  }
  const properties: Record<string, string | undefined> = { [options.secretProperty ?? 'opsloop.webhook_secret']: options.secret };
  const gs = {
    getProperty: (name: string, fallback?: string): string | null => properties[name] ?? fallback ?? null,
    getUserName: (): string => options.userName ?? 'admin',
    error: (message: string): void => void run.errors.push(String(message)),
    info: (): void => undefined,
    warn: (): void => undefined,
  };

  class RESTMessageV2 {
    private readonly request: RecordedRequest = { endpoint: '', method: '', headers: {}, body: '', timeoutMs: undefined, async: false };
    setEndpoint(url: string): void {
      this.request.endpoint = url;
    }
    setHttpMethod(method: string): void {
      this.request.method = method;
    }
    setRequestHeader(name: string, value: string): void {
      this.request.headers[name] = value;
    }
    setRequestBody(body: string): void {
      this.request.body = body;
    }
    setHttpTimeout(ms: number): void {
      this.request.timeoutMs = ms;
    }
    execute(): void {
      this.send(false);
    }
    executeAsync(): void {
      this.send(true);
    }
    private send(async: boolean): void {
      const sent = { ...this.request, headers: { ...this.request.headers }, async };
      if (options.failSend) throw options.failSend(sent);
      run.requests.push(sent);
    }
  }

  return {
    current,
    previous: null,
    gs,
    sn_ws: { RESTMessageV2 },
    GlideDateTime: class {
      getNumericValue(): number {
        return options.nowMs;
      }
    },
    GlideFilter,
    GlideStringUtil: { base64Encode: (text: string): string => Buffer.from(text, 'utf8').toString('base64') },
    GlideCertificateEncryption: class {
      generateMac(key: string, algorithm: string, data: string): string {
        return generateMac(key, algorithm, data);
      }
    },
  };
}

/** Runs the script once and returns every request it sent and every gs.error it logged. */
export function executeBusinessRule(script: string, incident: IncidentStub, options: HarnessOptions): BusinessRuleRun {
  const run: BusinessRuleRun = { requests: [], errors: [] };
  runInContext(script, createContext(fakeGlobals(incident, options, run)), { filename: 'business-rule.js', timeout: 5000 });
  return run;
}

/** Runs the script and returns the one request it queued with executeAsync; throws otherwise. */
export function runBusinessRule(script: string, incident: IncidentStub, options: HarnessOptions): RecordedRequest {
  const { requests, errors } = executeBusinessRule(script, incident, options);
  const [request] = requests;
  if (requests.length !== 1 || !request?.async) {
    throw new Error(`expected one executeAsync request, got ${requests.length} (gs.error: ${errors.join(' | ') || 'none'})`);
  }
  return request;
}
