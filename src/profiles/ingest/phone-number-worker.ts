// Entry point of the worker thread that a `PhoneNumberWorker` starts.
import { parentPort } from 'node:worker_threads';
import type { PhoneNumberReply, PhoneNumberRequest } from './phone-number-thread.js';
import { normalizePhoneNumber } from './phone-number.js';

const port = parentPort;
if (port === null) {
  throw new Error('phone-number-worker runs only as a worker thread of a PhoneNumberWorker');
}

port.on('message', (request: PhoneNumberRequest) => {
  let reply: PhoneNumberReply;
  try {
    const results = request.values.map((value, index) => {
      const result = normalizePhoneNumber(value, request.regions[index]);
      return 'value' in result ? result.value : result.reason;
    });
    reply = { id: request.id, results };
  } catch (error) {
    reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
