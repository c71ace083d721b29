import { fetchJson, type FetchFn } from '../clients/http';

/** Within Slack's 3 s: a decision not accepted by then is reported through response_url when it is. */
export const DECISION_ACK_BUDGET_MS = 2_000;

export type Responder = (responseUrl: string, message: { text: string; response_type: 'ephemeral'; replace_original: false }) => Promise<void>;

/** Posts ephemeral replies to a click's response_url from the API (the click's own answer must be empty). */
export function createResponder(fetch?: FetchFn, timeoutMs = 5000): Responder {
  return async (responseUrl, message) => {
    await fetchJson({ target: 'Slack response_url', url: responseUrl, method: 'POST', body: message, timeoutMs, fetch });
  };
}
