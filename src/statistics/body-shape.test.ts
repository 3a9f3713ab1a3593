import { describe, expect, it } from 'vitest';
import { describeBodyShape } from './body-shape.js';

describe('describeBodyShape', () => {
  it.each([
    [
      { payload: { schema: ['EMAIL'], data: [['a'], ['b']] }, access_token: 'EAAB' },
      { payload: { schema: '[1 items]', data: '[2 items]' }, access_token: '[4 characters]' },
    ],
    ['<soap:Envelope><uuid>secret</uuid></soap:Envelope>', '[50 characters]'],
    [
      { count: 3, ok: true, nested: { deeper: { deepest: { value: 'x' } } } },
      { count: 3, ok: true, nested: { deeper: { deepest: '[object]' } } },
    ],
    [Buffer.from('line one\nline two'), '[17 bytes]'],
    [undefined, undefined],
  ])('describes %j without its values', (body, expected) => {
    expect(describeBodyShape(body)).toEqual(expected);
  });
});
