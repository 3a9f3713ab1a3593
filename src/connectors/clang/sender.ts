import { DeliveryStoppedError } from '../../delivery/delivery-stopped-error.js';
import type { Batch, BatchResult, ConnectorContext, ProfileOutcome } from '../connector-type.js';
import { ClangSoapClient } from './client.js';
import { ALREADY_MEMBER_FAULT_CODE } from './error-codes.js';
import { lookupKeyOf, mapClangProfile, type ClangLookup, type ClangProfile } from './mapping.js';
import {
  CLANG_DEFAULT_CONCURRENT_PROFILES,
  type ClangAudienceSettings,
  type ClangCredentials,
  type ClangSettings,
} from './schemas.js';
import { runSoapCall, type ErrorFields, type SoapCallResult } from './soap-call.js';
import { childText, findChildren, type XmlElement } from './xml-reader.js';

/**
 * Sends one add or remove batch to a Clang group. Clang has no bulk call that upserts customers,
 * so every profile takes its own calls:
 *
 * - add: look the customer up by external id or email, update it or insert it, then
 *   `group_addMember`. Fault 107 (already a member) counts as success.
 * - remove: look the customer up, then `group_removeMember` for each match. A profile that
 *   Clang does not know is reported as removed, because it is in no group.
 *
 * Profiles that share a lookup run one after another, so that two profiles of one person never
 * insert two customers. Other profiles run up to `maxConcurrentProfiles` at a time.
 */
export async function sendClangBatch(
  context: ConnectorContext<ClangSettings, ClangCredentials>,
  batch: Batch<ClangAudienceSettings>,
): Promise<BatchResult> {
  const outcomes: ProfileOutcome[] = [];
  const groups = new Map<string, ClangProfile[]>();
  for (const profile of batch.profiles) {
    const mapped = mapClangProfile(profile);
    if (!mapped.ok) {
      outcomes.push(mapped.outcome);
      continue;
    }
    const lookupKey = lookupKeyOf(mapped.profile.lookup);
    const group = groups.get(lookupKey) ?? [];
    group.push(mapped.profile);
    groups.set(lookupKey, group);
  }

  const client = new ClangSoapClient(context.http, context.settings, context.credentials);
  const sendProfile =
    batch.operation === 'add'
      ? (profile: ClangProfile) => addProfile(client, batch.destination.groupId, profile)
      : (profile: ClangProfile) => removeProfile(client, batch.destination.groupId, profile);
  const concurrency = context.settings.maxConcurrentProfiles ?? CLANG_DEFAULT_CONCURRENT_PROFILES;

  await runWithConcurrency([...groups.values()], concurrency, async (profiles) => {
    for (const profile of profiles) {
      try {
        outcomes.push(await sendProfile(profile));
      } catch (error) {
        // Deactivated mid-batch: the profiles sent so far keep their outcomes, the rest are
        // counted as skipped instead of the whole batch.
        if (!(error instanceof DeliveryStoppedError)) throw error;
        outcomes.push({ key: profile.key, status: 'skipped', reason: 'deactivated' });
      }
    }
  });

  return { outcomes };
}

async function addProfile(
  client: ClangSoapClient,
  groupId: string,
  profile: ClangProfile,
): Promise<ProfileOutcome> {
  const found = await findCustomers(client, profile.lookup);
  if (!found.ok) return errorOutcome(profile.key, found.error);
  if (found.ids.length > 1) {
    return errorOutcome(profile.key, ambiguousLookupError(profile.lookup, found.ids.length));
  }

  const existingId = found.ids[0];
  const saved =
    existingId === undefined
      ? await runSoapCall(() => client.insertCustomer(profile.customer))
      : await runSoapCall(() => client.updateCustomer({ ...profile.customer, id: existingId }));
  if (!saved.ok) return errorOutcome(profile.key, saved.error);

  const customerId = (saved.msg && childText(saved.msg, 'id')?.trim()) || existingId;
  if (customerId === undefined || customerId === '') {
    return errorOutcome(profile.key, {
      category: 'other',
      retryable: true,
      partnerMessage: 'Clang saved the customer but returned no customer id.',
    });
  }

  const added = await runSoapCall(() => client.addGroupMember(groupId, customerId));
  if (added.ok || added.faultCode === ALREADY_MEMBER_FAULT_CODE) {
    return { key: profile.key, status: 'added' };
  }

  return errorOutcome(profile.key, added.error);
}

async function removeProfile(
  client: ClangSoapClient,
  groupId: string,
  profile: ClangProfile,
): Promise<ProfileOutcome> {
  const found = await findCustomers(client, profile.lookup);
  if (!found.ok) return errorOutcome(profile.key, found.error);

  // NOTE: Clang does not document what group_removeMember returns for a customer that is not a
  // member. A fault or `false` there is reported as an error.
  for (const customerId of found.ids) {
    const removed = await runSoapCall(() => client.removeGroupMember(groupId, customerId));
    if (!removed.ok) return errorOutcome(profile.key, removed.error);
    if (removed.msg?.text.trim() === 'false') {
      return errorOutcome(profile.key, {
        category: 'other',
        retryable: false,
        partnerMessage: `Clang returned false for group_removeMember of customer ${customerId}.`,
      });
    }
  }

  return { key: profile.key, status: 'removed' };
}

type FoundCustomers = { ok: true; ids: string[] } | { ok: false; error: ErrorFields };

/** Looks customers up by external id or email and returns their Clang ids. */
async function findCustomers(
  client: ClangSoapClient,
  lookup: ClangLookup,
): Promise<FoundCustomers> {
  const result: SoapCallResult =
    lookup.by === 'externalId'
      ? await runSoapCall(() => client.getCustomersByExternalId(lookup.value))
      : await runSoapCall(() => client.getCustomersByEmailAddress(lookup.value));
  if (!result.ok) return result;

  return { ok: true, ids: readCustomerIds(result.msg) };
}

/** Reads the ids of an `ArrayOfCustomer`. A missing or nil `msg` means no customer was found. */
export function readCustomerIds(msg: XmlElement | undefined): string[] {
  if (msg === undefined) return [];

  return findChildren(msg, 'Customer')
    .map((customer) => childText(customer, 'id')?.trim() ?? '')
    .filter((id) => /^[0-9]+$/.test(id));
}

function ambiguousLookupError(lookup: ClangLookup, count: number): ErrorFields {
  const field = lookup.by === 'externalId' ? 'external id' : 'email address';

  return {
    category: 'other',
    retryable: false,
    partnerMessage: `Clang has ${count} customers with this ${field}, so Activator cannot tell which one to update. Merge them in Clang, then retry the activation.`,
  };
}

function errorOutcome(key: string, error: ErrorFields): ProfileOutcome {
  return { key, status: 'error', ...error };
}

/** Runs `work` for every item, with at most `limit` items in progress at a time. */
async function runWithConcurrency<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  const workerCount = Math.max(1, Math.min(limit, items.length));

  await Promise.all(Array.from({ length: workerCount }, worker));
}
