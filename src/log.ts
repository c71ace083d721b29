import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths pino blanks out wherever they appear, so tokens and signatures never reach a log line. */
const REDACT = [
  'password',
  'token',
  'secret',
  'signingSecret',
  'authorization',
  '*.password',
  '*.token',
  '*.secret',
  '*.authorization',
  'headers.authorization',
  'headers["x-slack-signature"]',
  'req.headers.authorization',
  'req.headers["x-slack-signature"]',
  'req.headers["x-opsloop-signature"]',
];

export function createLogger(options: { level?: string; name?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    { name: options.name ?? 'opsloop', level: options.level ?? 'info', redact: { paths: REDACT, censor: '[redacted]' } },
    options.destination,
  );
}
