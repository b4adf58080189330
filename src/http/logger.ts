import pino, { type Logger } from 'pino';

/**
 * JSON logs. Tokens and anything personal are redacted; request lines carry the route template,
 * not the URL, so that ids of job seekers never reach the logs.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        'authorization',
        'token',
        '*.token',
        'body',
        '*.body',
      ],
      censor: '[redacted]',
    },
  });
}
