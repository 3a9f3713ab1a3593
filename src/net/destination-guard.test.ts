import { describe, expect, it } from 'vitest';
import { classifyAddress, destinationUrlRejection } from './destination-guard.js';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.10.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fd12::1', 'private'],
    ['169.254.169.254', 'link_local'],
    ['fe80::1', 'link_local'],
    ['fd00:ec2::254', 'link_local'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'link_local'],
    ['0.0.0.0', 'unspecified'],
    ['8.8.8.8', 'public'],
    ['172.32.0.1', 'public'],
    ['2a03:2880::1', 'public'],
  ])('classifies %s as %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });
});

describe('destinationUrlRejection', () => {
  it.each(['https://graph.facebook.com', 'https://proxy.example.com/meta', 'http://8.8.8.8:8080'])(
    'allows the public URL %s',
    (url) => {
      expect(destinationUrlRejection(url, false)).toBeUndefined();
    },
  );

  it.each([
    ['http://127.0.0.1:9090', 'loopback'],
    ['http://localhost:9090', 'loopback'],
    ['http://api.localhost', 'loopback'],
    ['http://[::1]:9090', 'loopback'],
    ['http://10.0.0.5', 'private'],
    ['http://192.168.0.10', 'private'],
    ['http://2130706433', 'loopback'],
  ])('rejects %s unless private destinations are allowed', (url, word) => {
    expect(destinationUrlRejection(url, false)).toContain(word);
    expect(destinationUrlRejection(url, false)).toContain('ACTIVATOR_ALLOW_PRIVATE_DESTINATIONS');
    expect(destinationUrlRejection(url, true)).toBeUndefined();
  });

  it.each([
    'http://169.254.169.254/latest/meta-data',
    'http://[fe80::1]/',
    'http://metadata.google.internal/computeMetadata/v1',
    'http://[::ffff:169.254.169.254]/',
    'http://100.100.100.200/',
  ])('rejects the metadata or link-local URL %s always', (url) => {
    expect(destinationUrlRejection(url, true)).toBeDefined();
  });

  it.each([
    ['ftp://example.com', 'http or https'],
    ['not a url', 'not a valid absolute URL'],
    ['https://user:pw@example.com', 'user name or password'],
  ])('rejects %s', (url, expected) => {
    expect(destinationUrlRejection(url, true)).toContain(expected);
  });
});
