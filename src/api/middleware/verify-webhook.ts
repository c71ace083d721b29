import type { RequestHandler } from 'express';
import { WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER, WebhookAuthError, verifyWebhook } from '../../signing/webhook-signature';

/** Rejects (401) a webhook that is neither freshly HMAC-signed nor carrying the bearer secret. */
export function verifyWebhookMiddleware(secrets: readonly string[], now: () => number = Date.now): RequestHandler {
  return (req, res, next) => {
    const rawBody: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (secrets.length === 0) {
      res.status(404).json({ error: 'this webhook is not configured' });
      return;
    }
    try {
      verifyWebhook({
        secrets,
        rawBody,
        timestamp: req.get(WEBHOOK_TIMESTAMP_HEADER),
        signature: req.get(WEBHOOK_SIGNATURE_HEADER),
        authorization: req.get('authorization'),
        nowMs: now(),
      });
    } catch (err) {
      if (err instanceof WebhookAuthError) {
        req.log?.warn({ reason: err.reason, path: req.path }, 'rejected unauthenticated webhook');
        res.status(401).json({ error: err.reason });
        return;
      }
      next(err);
      return;
    }
    res.locals.rawBody = rawBody;
    next();
  };
}
