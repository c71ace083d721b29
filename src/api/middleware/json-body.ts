import type { Request } from 'express';
import type { z } from 'zod';
import { BadRequestError } from './form-body';

const JSON_TYPE = /^application\/json\s*(;|$)/i;

/** Parses a verified JSON body against a schema; throws BadRequestError (415/400) naming what is wrong. */
export function readJsonBody<S extends z.ZodType>(req: Request, rawBody: Buffer, schema: S): z.infer<S> {
  if (!JSON_TYPE.test(req.get('content-type') ?? '')) throw new BadRequestError(415, 'expected Content-Type application/json');
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(rawBody));
  } catch {
    throw new BadRequestError(400, 'body is not valid UTF-8 JSON');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new BadRequestError(400, `invalid payload: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
