import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { ProfileInput } from '../profile.js';
import type { ImportRow } from './import-row.js';
import { isPlainObject } from './plain-object.js';
import { linkStreams } from './stream-link.js';
import { createUtf8Validator } from './utf8-validator.js';

/** Maximum characters of one line. A longer line gives an error row and is not held in memory. */
const MAX_LINE_CHARS = 1_048_576;

type Line = { line: number; text: string } | { line: number; tooLong: true };

/**
 * Reads NDJSON profile rows: one JSON object in the `ProfileInput` shape per line. Blank lines are
 * skipped, and a line that is not a JSON object gives an error row. The fields are checked later
 * by `normalizeProfile`. Throws an `ImportError` on invalid UTF-8.
 */
export async function* readNdjsonRows(source: Readable): AsyncGenerator<ImportRow> {
  const validator = createUtf8Validator();
  const unlinkSource = linkStreams(source, validator);
  try {
    for await (const line of splitLines(validator)) {
      const row = parseLine(line);
      if (row !== undefined) {
        yield row;
      }
    }
  } finally {
    unlinkSource();
    validator.destroy();
  }
}

function parseLine(line: Line): ImportRow | undefined {
  if ('tooLong' in line) {
    return { line: line.line, error: `the line is longer than ${MAX_LINE_CHARS} characters` };
  }
  const text = line.line === 1 ? line.text.replace(/^\uFEFF/, '') : line.text;
  if (text.trim() === '') {
    return undefined;
  }

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { line: line.line, error: `the line is not valid JSON: ${detail}` };
  }
  if (!isPlainObject(value)) {
    return { line: line.line, error: 'the line is not a JSON object; expected {"id": ...}' };
  }
  return { line: line.line, input: value as unknown as ProfileInput };
}

/**
 * Splits UTF-8 chunks into lines, numbered from 1. Its memory use is one chunk plus one partial
 * line of at most `MAX_LINE_CHARS`. A trailing carriage return is removed from each line.
 */
async function* splitLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<Line> {
  const decoder = new StringDecoder('utf8');
  let lineNumber = 1;
  let pending = '';
  let isTooLong = false;

  const endLine = (rest: string): Line => {
    const text = pending + rest;
    const line: Line = isTooLong
      ? { line: lineNumber, tooLong: true }
      : { line: lineNumber, text: text.endsWith('\r') ? text.slice(0, -1) : text };
    lineNumber += 1;
    pending = '';
    isTooLong = false;
    return line;
  };
  const keepPartialLine = (rest: string): void => {
    if (isTooLong) {
      return;
    }
    pending += rest;
    if (pending.length > MAX_LINE_CHARS) {
      pending = '';
      isTooLong = true;
    }
  };

  for await (const chunk of chunks) {
    const text = decoder.write(chunk);
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      keepPartialLine(text.slice(start, end));
      yield endLine('');
      start = end + 1;
    }
    keepPartialLine(text.slice(start));
  }
  keepPartialLine(decoder.end());
  if (pending !== '' || isTooLong) {
    yield endLine('');
  }
}
