import type { Request } from 'express';

/** Thrown when a body is not what the route accepts; `status` is the HTTP answer (400 or 415). */
export class BadRequestError extends Error {
  constructor(
    readonly status: 400 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'BadRequestError';
  }
}

const FORM = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/** Decodes a verified form body; throws BadRequestError for another content type or a non-UTF-8 body. */
export function readFormBody(req: Request, rawBody: Buffer): Record<string, string> {
  if (!FORM.test(req.get('content-type') ?? '')) {
    throw new BadRequestError(415, 'expected Content-Type application/x-www-form-urlencoded');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(rawBody);
  } catch {
    throw new BadRequestError(400, 'body is not valid UTF-8');
  }
  return Object.fromEntries(new URLSearchParams(text));
}
