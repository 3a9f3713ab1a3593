import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BSS_FILE_FORMAT,
  MAX_SEGMENTS_PER_LINE,
  parseSegmentFile,
  readUids,
} from './segment-file.js';

describe('parseSegmentFile', () => {
  it('reads the example of the legacy format page', () => {
    const parsed = parseSegmentFile(
      '7652266028043224430;5848:0,5849:1440,5850:1440\n8802117132500293405;5851:0,5847:-1\n',
      DEFAULT_BSS_FILE_FORMAT,
    );

    expect(parsed.invalidFormat).toEqual([]);
    expect(parsed.lines).toEqual([
      {
        text: '7652266028043224430;5848:0,5849:1440,5850:1440',
        uid: '7652266028043224430',
        segments: [
          { segmentId: '5848', expiration: 0 },
          { segmentId: '5849', expiration: 1440 },
          { segmentId: '5850', expiration: 1440 },
        ],
      },
      {
        text: '8802117132500293405;5851:0,5847:-1',
        uid: '8802117132500293405',
        segments: [
          { segmentId: '5851', expiration: 0 },
          { segmentId: '5847', expiration: -1 },
        ],
      },
    ]);
  });

  it('accepts a last line without a line break', () => {
    const parsed = parseSegmentFile('1;2:0', DEFAULT_BSS_FILE_FORMAT);

    expect(parsed.lines).toHaveLength(1);
  });

  it('uses the configured separators', () => {
    const format = { separator1: '\t', separator2: ';', separator3: '\t' };
    const parsed = parseSegmentFile('12\t10000\t0;10001\t-1\n', format);

    expect(parsed.lines[0]?.segments).toEqual([
      { segmentId: '10000', expiration: 0 },
      { segmentId: '10001', expiration: -1 },
    ]);
  });

  it.each([
    ['a blank line', '1;2:0\n\n3;2:0\n', 'failed as a blank line'],
    ['no separator_1', '12345\n', 'failed without separator_1 after the user id'],
    ['no user id', ';5:0\n', 'failed without separator_1 after the user id'],
    ['a non-numeric user id', 'abc;5:0\n', 'failed with a user id that is not a number'],
    ['a missing expiration', '1;5\n', 'failed with an illegal number of fields'],
    ['an extra field', '1;5:0:7\n', 'failed with an illegal number of fields'],
    ['a non-numeric segment', '1;x:0\n', 'failed with a SEG_ID that is not a number'],
    ['an expiration of -2', '1;5:-2\n', 'failed with an EXPIRATION that is not -1 or 0 to 259200'],
    [
      'an expiration over 180 days',
      '1;5:259201\n',
      'failed with an EXPIRATION that is not -1 or 0 to 259200',
    ],
    ['a carriage return', '1;5:0\r\n', 'failed with an EXPIRATION that is not -1 or 0 to 259200'],
  ])('rejects %s', (_case, text, reason) => {
    const parsed = parseSegmentFile(text, DEFAULT_BSS_FILE_FORMAT);

    expect(parsed.invalidFormat.map((line) => line.reason)).toContain(reason);
  });

  it('rejects a repeated line', () => {
    const parsed = parseSegmentFile('1;5:0\n1;5:0\n', DEFAULT_BSS_FILE_FORMAT);

    expect(parsed.lines).toHaveLength(1);
    expect(parsed.invalidFormat).toEqual([{ text: '1;5:0', reason: 'failed as a duplicate line' }]);
  });

  it('rejects more than 1,800 segments on a line', () => {
    const blocks = Array.from({ length: MAX_SEGMENTS_PER_LINE + 1 }, (_, index) => `${index}:0`);
    const parsed = parseSegmentFile(`1;${blocks.join(',')}\n`, DEFAULT_BSS_FILE_FORMAT);

    expect(parsed.lines).toEqual([]);
    expect(parsed.invalidFormat[0]?.reason).toBe('failed with more than 1800 segments');
  });
});

describe('readUids', () => {
  it('returns the text before separator_1 of each line', () => {
    expect(readUids('1;5:0\n22;5:0\n\n', DEFAULT_BSS_FILE_FORMAT)).toEqual(['1', '22']);
  });
});
