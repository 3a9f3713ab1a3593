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
 * Reads NDJSON profile rows in batches, one for each read from the source that completes a line:
 * one JSON object in the `ProfileInput` shape per line. Blank lines are skipped, and a line that is not a JSON object
 * gives an error row. The fields are checked later by `normalizeProfile`. Throws an `ImportError`
 * on invalid UTF-8.
 */
export async function* readNdjsonRowBatches(source: Readable): AsyncGenerator<ImportRow[]> {
  const validator = createUtf8Validator();
  const unlinkSource = linkStreams(source, validator);
  const splitter = new LineSplitter();
  try {
    for await (const chunk of validator as AsyncIterable<Buffer>) {
      const rows = parseLines(splitter.write(chunk));
      if (rows.length > 0) {
        yield rows;
      }
    }
    const rows = parseLines(splitter.end());
    if (rows.length > 0) {
      yield rows;
    }
  } finally {
    unlinkSource();
    validator.destroy();
  }
}

function parseLines(lines: readonly Line[]): ImportRow[] {
  const rows: ImportRow[] = [];
  for (const line of lines) {
    const row = parseLine(line);
    if (row !== undefined) {
      rows.push(row);
    }
  }
  return rows;
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
class LineSplitter {
  readonly #decoder = new StringDecoder('utf8');
  #lineNumber = 1;
  #pending = '';
  #isTooLong = false;

  /** Returns the lines that `chunk` completes. */
  write(chunk: Buffer): Line[] {
    const text = this.#decoder.write(chunk);
    const lines: Line[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      this.#keepPartialLine(text.slice(start, end));
      lines.push(this.#endLine());
      start = end + 1;
    }
    this.#keepPartialLine(text.slice(start));
    return lines;
  }

  /** Returns the last line when the input does not end with a line feed. */
  end(): Line[] {
    this.#keepPartialLine(this.#decoder.end());
    return this.#pending !== '' || this.#isTooLong ? [this.#endLine()] : [];
  }

  #endLine(): Line {
    const text = this.#pending;
    const line: Line = this.#isTooLong
      ? { line: this.#lineNumber, tooLong: true }
      : { line: this.#lineNumber, text: text.endsWith('\r') ? text.slice(0, -1) : text };
    this.#lineNumber += 1;
    this.#pending = '';
    this.#isTooLong = false;
    return line;
  }

  #keepPartialLine(rest: string): void {
    if (this.#isTooLong) {
      return;
    }
    this.#pending += rest;
    if (this.#pending.length > MAX_LINE_CHARS) {
      this.#pending = '';
      this.#isTooLong = true;
    }
  }
}
