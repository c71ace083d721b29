import { fetchJson, type FetchFn } from '../clients/http';
import type { Responder } from './routes/slack-interactions';

/** Posts ephemeral replies to a click's response_url from the API (the click's own answer must be empty). */
export function createResponder(fetch?: FetchFn, timeoutMs = 5000): Responder {
  return async (responseUrl, message) => {
    await fetchJson({ target: 'Slack response_url', url: responseUrl, method: 'POST', body: message, timeoutMs, fetch });
  };
}
