import { Transform, type TransformCallback } from 'node:stream';
import { ImportError } from './import-error.js';

const LINE_FEED = 0x0a;

/**
 * Creates a byte stream that passes its input through unchanged and fails with an `ImportError`
 * naming the line of the first invalid UTF-8 sequence. Lines are counted by line feed, starting
 * at 1. Its memory use is one chunk plus at most 3 bytes of decoder state.
 */
export function createUtf8Validator(): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;

  const check = (decode: () => void): ImportError | undefined => {
    try {
      decode();
      return undefined;
    } catch (error) {
      if (!(error instanceof TypeError)) {
        throw error;
      }
      return new ImportError(
        `the file is not valid UTF-8: line ${line} contains an invalid byte sequence; ` +
          'save the file as UTF-8 and import it again',
        { cause: error },
      );
    }
  };

  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
      // A line feed byte never occurs inside a multi-byte sequence, so decoding line by line
      // finds the line of an invalid sequence.
      let start = 0;
      let lineFeed = chunk.indexOf(LINE_FEED);
      while (lineFeed !== -1) {
        const segment = chunk.subarray(start, lineFeed + 1);
        const error = check(() => decoder.decode(segment, { stream: true }));
        if (error) {
          callback(error);
          return;
        }
        line += 1;
        start = lineFeed + 1;
        lineFeed = chunk.indexOf(LINE_FEED, start);
      }
      const rest = chunk.subarray(start);
      const error = check(() => decoder.decode(rest, { stream: true }));
      if (error) {
        callback(error);
        return;
      }
      callback(null, chunk);
    },
    flush(callback: TransformCallback): void {
      // A sequence cut short at the end of the input fails here.
      callback(check(() => decoder.decode()) ?? null);
    },
  });
}
