import { describe, expect, it } from 'vitest';
import { AudienceMembers } from './audience-members.js';

describe('AudienceMembers', () => {
  it('drops empty values', () => {
    const members = new AudienceMembers();

    members.add({ EMAIL: 'e1', PHONE: '' });

    expect(members.list()).toEqual([{ EMAIL: 'e1' }]);
  });

  it('stores identical rows once', () => {
    const members = new AudienceMembers();

    expect(members.add({ EMAIL: 'e1', PHONE: 'p1' })).toBe(true);
    expect(members.add({ PHONE: 'p1', EMAIL: 'e1' })).toBe(false);
    expect(members.size).toBe(1);
  });

  it('replaces a member sharing an identifying value', () => {
    const members = new AudienceMembers();

    members.add({ EMAIL: 'e1', PHONE: 'p1' });
    members.add({ EMAIL: 'e1', COUNTRY: 'c1' });

    expect(members.list()).toEqual([{ EMAIL: 'e1', COUNTRY: 'c1' }]);
  });

  it('keeps people who share only an attribute', () => {
    const members = new AudienceMembers();
    members.add({ EMAIL: 'e1', COUNTRY: 'nl' });
    members.add({ EMAIL: 'e2', COUNTRY: 'nl' });

    expect(members.removeMatching({ EMAIL: 'e1', COUNTRY: 'nl' })).toBe(1);
    expect(members.list()).toEqual([{ EMAIL: 'e2', COUNTRY: 'nl' }]);
  });

  it('removes every member sharing a value', () => {
    const members = new AudienceMembers();
    members.add({ EMAIL: 'e1', PHONE: 'p1' });
    members.add({ EMAIL: 'e2', PHONE: 'p2' });
    members.add({ EMAIL: 'e3', PHONE: 'p3' });

    const removed = members.removeMatching({ EMAIL: 'e1', PHONE: 'p2' });

    expect(removed).toBe(2);
    expect(members.list()).toEqual([{ EMAIL: 'e3', PHONE: 'p3' }]);
  });

  it('matches values under the same key only', () => {
    const members = new AudienceMembers();
    members.add({ EMAIL: 'x' });

    expect(members.removeMatching({ PHONE: 'x' })).toBe(0);
    expect(members.size).toBe(1);
  });

  it('ignores an all-empty removal', () => {
    const members = new AudienceMembers();
    members.add({ EMAIL: 'e1' });

    expect(members.removeMatching({ EMAIL: '' })).toBe(0);
    expect(members.size).toBe(1);
  });

  it('re-adds a removed member', () => {
    const members = new AudienceMembers();
    members.add({ EMAIL: 'e1', PHONE: 'p1' });
    members.removeMatching({ EMAIL: 'e1' });

    expect(members.add({ EMAIL: 'e1', PHONE: 'p1' })).toBe(true);
    expect(members.removeMatching({ PHONE: 'p1' })).toBe(1);
    expect(members.size).toBe(0);
  });
});
