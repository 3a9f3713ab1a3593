import { describe, expect, it } from 'vitest';
import type { BatchProfile } from '../connector-type.js';
import { buildConversions, type ConversionDefaults } from './mapping.js';

const NOW_MS = Date.UTC(2026, 11, 4, 12, 0, 0);
const DEVICE_ID = '6d92078a-8246-4ba4-ae5b-76104861e7dc';
const WITH_ENCRYPTION: ConversionDefaults = {
  floodlightConfigurationId: '77',
  hasEncryptionInfo: true,
};
const WITHOUT_ENCRYPTION: ConversionDefaults = { ...WITH_ENCRYPTION, hasEncryptionInfo: false };

function build(
  profiles: BatchProfile[],
  defaults: ConversionDefaults = WITH_ENCRYPTION,
  destination: Parameters<typeof buildConversions>[1] = { floodlightActivityId: '555' },
) {
  return buildConversions(profiles, destination, defaults, NOW_MS);
}

describe('buildConversions identifier choice', () => {
  it.each([
    [
      'encrypted id first',
      { encryptedUserId: ['enc1'], externalId: ['m1'], maid: [DEVICE_ID] },
      { encryptedUserId: 'enc1' },
    ],
    [
      'several encrypted ids as candidates',
      { encryptedUserId: ['enc1', ' enc2 ', 'enc1'] },
      { encryptedUserIdCandidates: ['enc1', 'enc2'] },
    ],
    ['match id before device id', { externalId: [' m1 '], maid: [DEVICE_ID] }, { matchId: 'm1' }],
    ['device id alone', { maid: [DEVICE_ID] }, { mobileDeviceId: DEVICE_ID }],
    [
      'first usable device id',
      { maid: ['f'.repeat(64), DEVICE_ID] },
      { mobileDeviceId: DEVICE_ID },
    ],
    ['blank values skipped', { externalId: ['  ', 'm2'] }, { matchId: 'm2' }],
  ])('picks %s', (_case, identifiers, expected) => {
    const plan = build([{ key: 'p1', identifiers }]);

    expect(plan.notSent).toEqual([]);
    expect(plan.keys).toEqual(['p1']);
    expect(plan.conversions[0]).toMatchObject(expected);
  });

  it('sets exactly one identifier field', () => {
    const plan = build([
      {
        key: 'p1',
        identifiers: { encryptedUserId: ['enc1'], externalId: ['m1'], maid: [DEVICE_ID] },
      },
    ]);
    const fields = ['encryptedUserId', 'encryptedUserIdCandidates', 'matchId', 'mobileDeviceId'];

    expect(fields.filter((field) => field in (plan.conversions[0] ?? {}))).toEqual([
      'encryptedUserId',
    ]);
  });

  it('passes over encrypted ids without encryptionInfo', () => {
    const plan = build(
      [{ key: 'p1', identifiers: { encryptedUserId: ['enc1'], externalId: ['m1'] } }],
      WITHOUT_ENCRYPTION,
    );

    expect(plan.conversions[0]?.matchId).toBe('m1');
    expect(plan.conversions[0]?.encryptedUserId).toBeUndefined();
  });

  it('fails profile with only encrypted ids and no encryptionInfo', () => {
    const plan = build(
      [{ key: 'p1', identifiers: { encryptedUserId: ['enc1'] } }],
      WITHOUT_ENCRYPTION,
    );

    expect(plan.conversions).toEqual([]);
    expect(plan.notSent).toEqual([
      {
        key: 'p1',
        status: 'error',
        category: 'other',
        retryable: false,
        partnerMessage: expect.stringContaining('settings.encryptionInfo') as string,
      },
    ]);
  });

  it.each([
    ['no identifiers', {}, 'no_identifier'],
    [
      'only unread identifier types',
      { email: ['a@example.com'], phone: ['+31612345678'] },
      'no_identifier',
    ],
    ['only blank values', { externalId: [' '], maid: [''] }, 'no_identifier'],
    ['a hashed device id', { maid: ['a'.repeat(64)] }, 'invalid_identifier'],
    ['a device id that is no UUID', { maid: ['device-1'] }, 'invalid_identifier'],
    ['an encrypted id with spaces', { encryptedUserId: ['enc 1'] }, 'invalid_identifier'],
    ['a match id with a control character', { externalId: ['m\u00001'] }, 'invalid_identifier'],
  ])('skips profile with %s', (_case, identifiers, reason) => {
    const plan = build([{ key: 'p1', identifiers }]);

    expect(plan.conversions).toEqual([]);
    expect(plan.notSent).toEqual([{ key: 'p1', status: 'skipped', reason }]);
  });
});

describe('buildConversions fields', () => {
  it('fills defaults of the connection settings', () => {
    const plan = build([{ key: 'p1', identifiers: { externalId: ['m1'] } }]);

    expect(plan.conversions).toEqual([
      {
        kind: 'dfareporting#conversion',
        floodlightConfigurationId: '77',
        floodlightActivityId: '555',
        matchId: 'm1',
        ordinal: '1',
        timestampMicros: `${NOW_MS}000`,
        quantity: '1',
        value: 0,
      },
    ]);
  });

  it('uses quantity, value and ordinal of the connection', () => {
    const destination = {
      floodlightActivityId: '556',
      quantity: 3,
      value: 19.95,
      ordinal: 'step-2',
    };
    const plan = build(
      [{ key: 'p1', identifiers: { externalId: ['m1'] } }],
      WITH_ENCRYPTION,
      destination,
    );

    expect(plan.conversions[0]).toMatchObject({
      floodlightActivityId: '556',
      quantity: '3',
      value: 19.95,
      ordinal: 'step-2',
    });
  });

  it.each([
    ['granted', 'GRANTED'],
    ['denied', 'DENIED'],
    ['unknown', undefined],
  ] as const)('maps advertising consent %s', (consent, expected) => {
    const plan = build([
      { key: 'p1', identifiers: { externalId: ['m1'] }, consents: { advertising: consent } },
    ]);

    expect(plan.conversions[0]?.adUserDataConsent).toBe(expected);
  });

  it('keeps keys aligned with conversions', () => {
    const plan = build([
      { key: 'p1', identifiers: { externalId: ['m1'] } },
      { key: 'p2', identifiers: {} },
      { key: 'p3', identifiers: { maid: [DEVICE_ID] } },
    ]);

    expect(plan.keys).toEqual(['p1', 'p3']);
    expect(
      plan.conversions.map((conversion) => conversion.matchId ?? conversion.mobileDeviceId),
    ).toEqual(['m1', DEVICE_ID]);
    expect(plan.notSent.map((outcome) => outcome.key)).toEqual(['p2']);
  });
});
