import { describe, expect, it } from 'vitest';
import { parseConnectorName } from './connector-name.js';

describe('parseConnectorName', () => {
  it.each([
    ['  Meta NL ', 'Meta NL', 'meta nl'],
    ['Stra\u00dfe', 'Stra\u00dfe', 'strasse'],
    ['Cafe\u0301', 'Caf\u00e9', 'caf\u00e9'],
  ])('stores %j as %j with the key %j', (input, name, key) => {
    expect(parseConnectorName(input)).toEqual({ name, key });
  });

  it('counts characters, not UTF-16 units', () => {
    expect(parseConnectorName('😀'.repeat(200))).not.toHaveProperty('error');
  });

  it.each([
    ['', 'must not be empty'],
    ['x'.repeat(201), 'maximum is 200'],
    ['tab\there', 'control characters'],
  ])('rejects %j', (input, expected) => {
    expect(parseConnectorName(input)).toEqual({ error: expect.stringContaining(expected) });
  });
});
