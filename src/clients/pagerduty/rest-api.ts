import { UnexpectedResponseError } from '../errors';
import { fetchJson, type FetchFn } from '../http';
import { pagerDutyErrorFor } from './errors';
import { onCallsPageSchema, type OnCallWire } from './shapes';

export const DEFAULT_PAGERDUTY_API_URL = 'https://api.pagerduty.com';

export interface PagerDutyRestConfig {
  apiUrl: string;
  /** A REST API key (read-only is enough). A secret: never logged. */
  token: string;
  timeoutMs: number;
  fetch?: FetchFn;
  /** Entries per page, at most PagerDuty's 100. */
  pageSize?: number;
}

/** The REST API's versioning header. */
export const PAGERDUTY_ACCEPT = 'application/vnd.pagerduty+json;version=2';
const TARGET = 'PagerDuty REST API GET /oncalls';
/** Classic pagination stops at offset + limit = 10,000; an escalation policy has far fewer on-calls. */
const MAX_PAGES = 20;

export type PagerDutyRestClient = ReturnType<typeof createPagerDutyRestClient>;

/** PagerDuty's REST API v2, for who is on call (GET /oncalls, classic offset pagination). */
export function createPagerDutyRestClient(cfg: PagerDutyRestConfig) {
  const base = cfg.apiUrl.replace(/\/+$/, '');
  const limit = Math.min(cfg.pageSize ?? 100, 100);
  return {
    /** The earliest on-call of each (level, user) of an escalation policy now, every page of it. */
    async listOnCalls(escalationPolicyId: string): Promise<OnCallWire[]> {
      const all: OnCallWire[] = [];
      for (let page = 0, offset = 0; page < MAX_PAGES; page += 1) {
        const query = new URLSearchParams({ 'escalation_policy_ids[]': escalationPolicyId, earliest: 'true', limit: String(limit), offset: String(offset) });
        const answer = await fetchJson({
          target: TARGET,
          url: `${base}/oncalls?${query.toString()}`,
          headers: { Accept: PAGERDUTY_ACCEPT, 'Content-Type': 'application/json', Authorization: `Token token=${cfg.token}` },
          timeoutMs: cfg.timeoutMs,
          fetch: cfg.fetch,
          errorFor: pagerDutyErrorFor(TARGET, [cfg.token]),
        });
        const parsed = onCallsPageSchema.safeParse(answer);
        if (!parsed.success) throw new UnexpectedResponseError(`${TARGET}: unexpected answer shape`, TARGET);
        all.push(...parsed.data.oncalls);
        if (!parsed.data.more || parsed.data.oncalls.length === 0) return all;
        offset += parsed.data.oncalls.length;
      }
      return all;
    },
  };
}
