import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/app-error.js';
import { loadConfig } from './config.js';

const SECRET = 'alert-secret-0123456789abcdef';

describe('alert configuration', () => {
  it('uses the documented defaults', () => {
    expect(loadConfig({}).alerts).toEqual({
      webhook: undefined,
      errorRate: 0.5,
      errorWindowSeconds: 300,
      errorMinAttempts: 20,
      stoppedAfterSeconds: 900,
    });
  });

  it('reads every variable', () => {
    const alerts = loadConfig({
      ALERT_WEBHOOK_URL: 'https://hooks.example.com/activator',
      ALERT_WEBHOOK_SECRET: SECRET,
      ALERT_ERROR_RATE: '0.25',
      ALERT_ERROR_WINDOW_SECONDS: '120',
      ALERT_ERROR_MIN_ATTEMPTS: '5',
      ALERT_STOPPED_AFTER_SECONDS: '600',
    }).alerts;

    expect(alerts).toEqual({
      webhook: { url: 'https://hooks.example.com/activator', secret: SECRET },
      errorRate: 0.25,
      errorWindowSeconds: 120,
      errorMinAttempts: 5,
      stoppedAfterSeconds: 600,
    });
  });

  it.each([
    ['ALERT_ERROR_RATE', '0'],
    ['ALERT_ERROR_RATE', '1.5'],
    ['ALERT_ERROR_RATE', 'half'],
    ['ALERT_ERROR_WINDOW_SECONDS', '0'],
    ['ALERT_ERROR_MIN_ATTEMPTS', '2.5'],
    ['ALERT_STOPPED_AFTER_SECONDS', '-60'],
  ])('rejects %s=%s', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(new RegExp(`^${variable}: `));
  });

  it('requires a secret with the webhook URL', () => {
    expect(() => loadConfig({ ALERT_WEBHOOK_URL: 'https://hooks.example.com/' })).toThrow(
      /^ALERT_WEBHOOK_SECRET: is missing/,
    );
  });

  it('rejects a short secret without repeating it', () => {
    const load = () =>
      loadConfig({
        ALERT_WEBHOOK_URL: 'https://hooks.example.com/',
        ALERT_WEBHOOK_SECRET: 'short-secret',
      });

    expect(load).toThrow(/^ALERT_WEBHOOK_SECRET: is shorter than 16 characters/);
    expect(load).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('short-secret') }),
    );
  });

  it('rejects a secret without a URL', () => {
    expect(() => loadConfig({ ALERT_WEBHOOK_SECRET: SECRET })).toThrow(ConfigError);
    expect(() => loadConfig({ ALERT_WEBHOOK_SECRET: SECRET })).toThrow(/^ALERT_WEBHOOK_SECRET: /);
  });

  it.each([
    ['a loopback address', 'http://127.0.0.1:9000/alerts'],
    ['a private address', 'https://10.1.2.3/alerts'],
    ['localhost', 'http://localhost:9000/alerts'],
  ])('rejects %s unless private destinations are allowed', (_case, url) => {
    const env = { ALERT_WEBHOOK_URL: url, ALERT_WEBHOOK_SECRET: SECRET };

    expect(() => loadConfig(env)).toThrow(
      /^ALERT_WEBHOOK_URL: .*ACTIVATOR_ALLOW_PRIVATE_DESTINATIONS/,
    );
    expect(
      loadConfig({ ...env, ACTIVATOR_ALLOW_PRIVATE_DESTINATIONS: 'true' }).alerts.webhook,
    ).toEqual({
      url,
      secret: SECRET,
    });
  });

  it.each([
    ['the metadata address', 'http://169.254.169.254/latest'],
    ['a metadata host', 'http://metadata.google.internal/'],
    ['a URL that is not http', 'ftp://hooks.example.com/'],
    ['text that is not a URL', 'hooks.example.com'],
  ])('rejects %s even when private destinations are allowed', (_case, url) => {
    const env = {
      ALERT_WEBHOOK_URL: url,
      ALERT_WEBHOOK_SECRET: SECRET,
      ACTIVATOR_ALLOW_PRIVATE_DESTINATIONS: 'true',
    };

    expect(() => loadConfig(env)).toThrow(/^ALERT_WEBHOOK_URL: the URL /);
  });
});
