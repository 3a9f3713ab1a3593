import type { Readable, Writable } from 'node:stream';

/**
 * Pipes `source` into `destination` and destroys `destination` with any error of `source`, so
 * that iterating `destination` raises it. Returns a function that unpipes the two again.
 * Unlike `stream.pipeline`, it does not destroy `source`, because destroying an HTTP request
 * body would close the connection before the server could send a response.
 */
export function linkStreams(source: Readable, destination: Writable): () => void {
  const forwardError = (error: Error): void => {
    destination.destroy(error);
  };
  source.on('error', forwardError);
  source.pipe(destination);
  return () => {
    source.off('error', forwardError);
    source.unpipe(destination);
  };
}
