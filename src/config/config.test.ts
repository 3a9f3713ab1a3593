import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/app-error.js';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    const config = loadConfig({});

    expect(config.port).toBe(8080);
    expect(config.host).toBe('127.0.0.1');
    expect(config.dataDir.endsWith('/data')).toBe(true);
    expect(config.allowPrivateDestinations).toBe(false);
    expect(config.apiToken).toBeUndefined();
    expect(config.secretKey).toBeUndefined();
  });

  it('accepts a base64 key of 32 bytes', () => {
    const key = Buffer.alloc(32, 7);

    expect(loadConfig({ ACTIVATOR_SECRET_KEY: key.toString('base64') }).secretKey).toEqual(key);
  });

  it.each([
    ['too short', Buffer.alloc(16).toString('base64')],
    ['not base64', 'not a key at all!'],
    ['too long', Buffer.alloc(33).toString('base64')],
  ])('rejects a secret key that is %s, naming the variable', (_case, value) => {
    expect(() => loadConfig({ ACTIVATOR_SECRET_KEY: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ACTIVATOR_SECRET_KEY: value })).toThrow(/^ACTIVATOR_SECRET_KEY: /);
  });

  it('never repeats the rejected key in the message', () => {
    const value = 'c2VjcmV0LWtleS12YWx1ZQ==';

    expect(() => loadConfig({ ACTIVATOR_SECRET_KEY: value })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(value) }),
    );
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['ACTIVATOR_ALLOW_PRIVATE_DESTINATIONS', 'yes please'],
    ['ACTIVATOR_API_TOKEN', 'short'],
  ])('rejects %s=%s', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(new RegExp(`^${variable}: `));
  });
});
