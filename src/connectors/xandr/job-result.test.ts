import { describe, expect, it } from 'vitest';
import type { XandrJob } from './api-response.js';
import { mapCompletedJob, readErrorLog } from './job-result.js';

function job(fields: Partial<XandrJob> & { counts?: Record<string, number> }): XandrJob {
  return {
    jobId: 'J1',
    phase: 'completed',
    errorCode: undefined,
    numValid: 0,
    errorLogLines: '',
    ...fields,
    counts: { ...fields.counts },
  };
}

function map(
  uidsByKey: Record<string, string[]>,
  completed: XandrJob,
  operation: 'add' | 'remove' = 'add',
) {
  const uids = new Map(Object.entries(uidsByKey));
  const lineCount = new Set(Object.values(uidsByKey).flat()).size;

  return mapCompletedJob({
    operation,
    uidsByKey: uids,
    keys: [...uids.keys()],
    lineCount,
    job: completed,
    separator1: ';',
  });
}

describe('readErrorLog', () => {
  it('reads the error type per user id', () => {
    const log =
      ' \n\nnum_unauth_segment-4013681496264948522;5013:0,5014:1550\n' +
      'num_invalid_user-7652266028043224430;5848:0,5849:1440\n' +
      'num_invalid_user-8802117132500293405;5851:0,5847:-1';

    expect(readErrorLog(log, ';')).toEqual(
      new Map([
        ['4013681496264948522', 'num_unauth_segment'],
        ['7652266028043224430', 'num_invalid_user'],
        ['8802117132500293405', 'num_invalid_user'],
      ]),
    );
  });

  it('keeps the first error of a user id', () => {
    const log = 'num_invalid_user-1;5:0\nnum_invalid_segment-1;6:0';

    expect(readErrorLog(log, ';').get('1')).toBe('num_invalid_user');
  });

  it('skips lines without a numeric user id', () => {
    const log =
      'num_invalid_format-WINDOWSADID-USER-ID;SEG_ID:VALUE~9 failed with an illegal number of fields\n' +
      'free text\n' +
      'num_invalid_format-12;1:0 failed as a duplicate line';

    expect(readErrorLog(log, ';')).toEqual(new Map([['12', 'num_invalid_format']]));
  });

  it('uses the configured separator', () => {
    expect(readErrorLog('num_invalid_user-55,1:0', ',')).toEqual(
      new Map([['55', 'num_invalid_user']]),
    );
  });
});

describe('mapCompletedJob', () => {
  it('accepts every profile of a clean job', () => {
    const result = map({ p1: ['1'], p2: ['2'] }, job({ numValid: 2 }));

    expect(result).toEqual({
      outcomes: [
        { key: 'p1', status: 'added' },
        { key: 'p2', status: 'added' },
      ],
      invalidEntries: 0,
    });
  });

  it('fails the profile of a logged line', () => {
    const result = map(
      { p1: ['1'], p2: ['2'] },
      job({
        numValid: 1,
        counts: { num_invalid_user: 1 },
        errorLogLines: '\nnum_invalid_user-2;5848:0',
      }),
    );

    expect(result.outcomes[0]).toEqual({ key: 'p1', status: 'added' });
    expect(result.outcomes[1]).toMatchObject({
      key: 'p2',
      status: 'error',
      category: 'partner_error',
      retryable: false,
      partnerCode: 'num_invalid_user',
    });
    expect(result.invalidEntries).toBe(0);
  });

  it('counts failures beyond the log as invalid entries', () => {
    const result = map(
      { p1: ['1'], p2: ['2'], p3: ['3'], p4: ['4'] },
      job({
        numValid: 1,
        counts: { num_invalid_user: 3 },
        errorLogLines: '\nnum_invalid_user-2;5848:0',
      }),
    );

    expect(result.outcomes.map((outcome) => outcome.status)).toEqual([
      'added',
      'error',
      'added',
      'added',
    ]);
    expect(result.invalidEntries).toBe(2);
  });

  it('fails unlogged lines when none was valid', () => {
    const result = map(
      { p1: ['1'], p2: ['2'] },
      job({ numValid: 0, counts: { num_invalid_user: 2, num_unauth_segment: 1 } }),
    );

    expect(
      result.outcomes.map((outcome) => outcome.status === 'error' && outcome.partnerCode),
    ).toEqual(['num_unauth_segment', 'num_unauth_segment']);
    expect(result.invalidEntries).toBe(0);
  });

  it('names num_other_error when no count explains a failure', () => {
    const result = map({ p1: ['1'] }, job({ numValid: 0 }));

    expect(result.outcomes[0]).toMatchObject({ status: 'error', partnerCode: 'num_other_error' });
  });

  it('accepts a profile when one of its ids was valid', () => {
    const result = map(
      { p1: ['1', '2'] },
      job({
        numValid: 1,
        counts: { num_invalid_user: 1 },
        errorLogLines: 'num_invalid_user-2;5:0',
      }),
    );

    expect(result.outcomes).toEqual([{ key: 'p1', status: 'added' }]);
    expect(result.invalidEntries).toBe(1);
  });

  it('fails a profile whose ids all failed with the first error', () => {
    const result = map(
      { p1: ['1', '2'] },
      job({
        numValid: 0,
        errorLogLines: 'num_invalid_format-1;5:0 failed\nnum_invalid_user-2;5:0',
      }),
    );

    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      partnerCode: 'num_invalid_format',
    });
  });

  it('counts a removed unknown user as removed', () => {
    const result = map(
      { p1: ['1'], p2: ['2'] },
      job({
        numValid: 1,
        counts: { num_invalid_user: 1 },
        errorLogLines: 'num_invalid_user-2;5:-1',
      }),
      'remove',
    );

    expect(result.outcomes).toEqual([
      { key: 'p1', status: 'removed' },
      { key: 'p2', status: 'removed' },
    ]);
  });

  it('reports a profile without lines by the job result', () => {
    const uidsByKey = new Map([['p1', ['1']]]);
    const base = { operation: 'add' as const, uidsByKey, keys: ['p1', 'gone'], lineCount: 1 };

    const clean = mapCompletedJob({ ...base, job: job({ numValid: 1 }), separator1: ';' });
    const failed = mapCompletedJob({
      ...base,
      job: job({ numValid: 0, counts: { num_invalid_segment: 1 } }),
      separator1: ';',
    });

    expect(clean.outcomes[1]).toEqual({ key: 'gone', status: 'added' });
    expect(failed.outcomes[1]).toMatchObject({
      status: 'error',
      partnerCode: 'num_invalid_segment',
    });
  });

  it('ignores logged ids the batch did not send', () => {
    const result = map(
      { p1: ['1'], p2: ['2'] },
      job({ numValid: 1, errorLogLines: 'num_invalid_user-99;5:0' }),
    );

    expect(result.outcomes.map((outcome) => outcome.status)).toEqual(['added', 'added']);
    expect(result.invalidEntries).toBe(1);
  });
});
