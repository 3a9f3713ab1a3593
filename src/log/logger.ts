import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Builds the service's one logger. Paths that may carry secrets are redacted as a second line
 * of defence; code should not log secrets in the first place.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'activator' },
    redact: {
      paths: [
        'credentials',
        '*.credentials',
        'req.headers.authorization',
        'req.headers.cookie',
        'accessToken',
        '*.accessToken',
        'token',
      ],
      censor: '***',
    },
  };

  return destination ? pino(options, destination) : pino(options);
}
