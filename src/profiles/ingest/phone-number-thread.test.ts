import { describe, expect, it } from 'vitest';
import { PhoneNumberWorker } from './phone-number-thread.js';
import { normalizePhoneNumber } from './phone-number.js';

// These tests run the compiled worker entry, as the service does. `npm test` builds it first.
const COMPILED_ENTRY = new URL(
  '../../../dist/profiles/ingest/phone-number-worker.js',
  import.meta.url,
);

const CASES: [string, string | undefined][] = [
  ['+31 6 12345678', undefined],
  ['06 12345678', 'NL'],
  ['001-790-882-2468', 'NO'],
  ['(209)172-7124x3651', 'US'],
  ['043-797-5229', 'NO'],
  ['932-062-1802', undefined],
  ['+44 7911 123456', 'FR'],
  ['not a number', 'DE'],
];

describe('PhoneNumberWorker', () => {
  it('matches normalizePhoneNumber', async () => {
    const worker = PhoneNumberWorker.start(COMPILED_ENTRY);
    if (worker === undefined) throw new Error('the worker did not start');
    try {
      const results = await worker.normalize(
        CASES.map(([value]) => value),
        CASES.map(([, region]) => region),
      );

      expect(results).toEqual(CASES.map(([value, region]) => normalizePhoneNumber(value, region)));
      expect(results.filter((result) => 'value' in result).length).toBeGreaterThan(0);
      expect(results.filter((result) => 'reason' in result).length).toBeGreaterThan(0);
    } finally {
      await worker.stop();
    }
  });

  it('rejects requests after stop', async () => {
    const worker = PhoneNumberWorker.start(COMPILED_ENTRY);
    if (worker === undefined) throw new Error('the worker did not start');
    const waiting = expect(worker.normalize(['+31612345678'], [undefined])).rejects.toThrow(
      'the phone number worker was stopped',
    );
    await worker.stop();

    await waiting;
    await expect(worker.normalize(['+31612345678'], [undefined])).rejects.toThrow('stopped');
  });

  it('rejects requests when entry fails', async () => {
    const missing = new URL('./no-such-worker.js', COMPILED_ENTRY);
    const worker = PhoneNumberWorker.start(missing);
    if (worker === undefined) throw new Error('the worker did not start');

    await expect(worker.normalize(['+31612345678'], [undefined])).rejects.toThrow(
      'the phone number worker failed',
    );
    await worker.stop();
  });

  it('starts no worker from TypeScript sources', () => {
    expect(PhoneNumberWorker.start()).toBeUndefined();
  });
});
