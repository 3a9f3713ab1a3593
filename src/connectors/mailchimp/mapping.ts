import type { BatchProfile, ProfileOutcome } from '../connector-type.js';
import type { MailchimpBatchMember, MailchimpMemberStatus } from './client.js';

/** Maximum members in one batch subscribe or unsubscribe request, as Mailchimp documents. */
export const MAILCHIMP_MAX_MEMBERS_PER_REQUEST = 500;

/** Maximum length of an email address (RFC 5321 path limit). */
const MAX_EMAIL_LENGTH = 254;

/** One `@`, no whitespace, and a dot in the domain. Mailchimp runs its own, stricter check. */
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The members of one batch, the profiles they belong to and the profiles left out. */
export interface MailchimpMembers {
  /** One member per distinct address, in the order of the batch. */
  members: MailchimpBatchMember[];
  /** Activation keys by address. Two profiles with the same address share one member. */
  keysByEmail: Map<string, string[]>;
  /** Profiles without a usable address. */
  skipped: ProfileOutcome[];
}

/** Returns the address in the form Activator sends: Unicode NFC, trimmed, lower-cased. */
export function normalizeEmail(value: string): string {
  return value.normalize('NFC').trim().toLowerCase();
}

/**
 * Returns whether Mailchimp can take the normalized value as an address. A SHA-256 digest has
 * no `@`, so a pre-hashed email fails this check: Mailchimp needs the address itself.
 */
export function isSendableEmail(email: string): boolean {
  return email.length <= MAX_EMAIL_LENGTH && EMAIL_PATTERN.test(email);
}

/**
 * Returns the address to send for a profile: its first email that is a sendable address after
 * normalization. Mailchimp keeps one contact per address, so further emails are not sent.
 * Returns the skip reason when there is none: `no_identifier` without any non-blank email,
 * `invalid_identifier` when every email is malformed or a SHA-256 digest.
 */
export function pickEmail(
  profile: BatchProfile,
): { email: string } | { reason: 'no_identifier' | 'invalid_identifier' } {
  const values = (profile.identifiers.email ?? []).map(normalizeEmail).filter((v) => v !== '');
  if (values.length === 0) return { reason: 'no_identifier' };

  const email = values.find(isSendableEmail);

  return email === undefined ? { reason: 'invalid_identifier' } : { email };
}

/** Maps the batch operation to the member status: `subscribed` to add, `unsubscribed` to remove. */
export function memberStatusFor(operation: 'add' | 'remove'): MailchimpMemberStatus {
  return operation === 'add' ? 'subscribed' : 'unsubscribed';
}

/** Maps a batch to Mailchimp members, one per distinct address. */
export function buildMailchimpMembers(
  profiles: readonly BatchProfile[],
  operation: 'add' | 'remove',
): MailchimpMembers {
  const status = memberStatusFor(operation);
  const members: MailchimpBatchMember[] = [];
  const keysByEmail = new Map<string, string[]>();
  const skipped: ProfileOutcome[] = [];

  for (const profile of profiles) {
    const picked = pickEmail(profile);
    if ('reason' in picked) {
      skipped.push({ key: profile.key, status: 'skipped', reason: picked.reason });
      continue;
    }

    const keys = keysByEmail.get(picked.email);
    if (keys !== undefined) {
      keys.push(profile.key);
      continue;
    }
    keysByEmail.set(picked.email, [profile.key]);
    members.push({ email_address: picked.email, status });
  }

  return { members, keysByEmail, skipped };
}

/** Splits members into requests of at most `size` members, keeping their order. */
export function chunkMembers<Member>(
  members: readonly Member[],
  size: number = MAILCHIMP_MAX_MEMBERS_PER_REQUEST,
): Member[][] {
  const chunks: Member[][] = [];
  for (let start = 0; start < members.length; start += size) {
    chunks.push(members.slice(start, start + size));
  }

  return chunks;
}
