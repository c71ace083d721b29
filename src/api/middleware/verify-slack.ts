import type { RequestHandler } from 'express';
import { SlackVerificationError, verifySlackSignature } from '../slack/verify-request';

export interface VerifySlackOptions {
  signingSecrets: readonly string[];
  now?: () => number;
}

/** Rejects (401) any request whose raw body is not signed by Slack; nothing after it runs for such a request. */
export function verifySlack(options: VerifySlackOptions): RequestHandler {
  const now = options.now ?? Date.now;
  return (req, res, next) => {
    const rawBody: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    try {
      verifySlackSignature({
        signingSecrets: options.signingSecrets,
        rawBody,
        timestamp: req.get('x-slack-request-timestamp'),
        signature: req.get('x-slack-signature'),
        nowMs: now(),
      });
    } catch (err) {
      if (err instanceof SlackVerificationError) {
        req.log?.warn({ reason: err.reason }, 'rejected unsigned Slack request');
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
