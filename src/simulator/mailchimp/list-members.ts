import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { findInvalidRowValue } from '../partner-hooks.js';
import type { PartnerAudience, SimulatorState } from '../simulator-state.js';
import { problem, type FieldError } from './problem.js';

/** Maximum members in one batch subscribe or unsubscribe request, as Mailchimp documents. */
export const MAX_MEMBERS_PER_REQUEST = 500;

const MEMBER_STATUSES = ['subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional'];

/** Statuses of a member that the audience view of `/_control/audiences/:id` lists. */
const LISTED_STATUSES = new Set(['subscribed', 'pending', 'transactional']);

const BATCH_FIELDS = ['members', 'update_existing', 'sync_tags'];

// Member fields of the batch endpoint. The simulator stores only the address and the status.
const MEMBER_FIELDS = [
  'email_address',
  'email_type',
  'status',
  'status_if_new',
  'merge_fields',
  'interests',
  'language',
  'vip',
  'location',
  'ip_signup',
  'timestamp_signup',
  'ip_opt',
  'timestamp_opt',
  'tags',
  'marketing_permissions',
];

const BATCH_QUERY_PARAMETERS = ['skip_merge_validation', 'skip_duplicate_check'];

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Subscription status of every address that a list has seen, including unsubscribed ones. */
const statusesByList = new WeakMap<PartnerAudience, Map<string, string>>();

interface MemberView {
  id: string;
  email_address: string;
  status: string;
  list_id: string;
}

interface MemberError {
  email_address: string;
  error: string;
  error_code: 'ERROR_CONTACT_EXISTS' | 'ERROR_GENERIC';
}

/** Response of `POST /3.0/lists/{list_id}`. */
export interface BatchResponse {
  new_members: MemberView[];
  updated_members: MemberView[];
  errors: MemberError[];
  total_created: number;
  total_updated: number;
  error_count: number;
  _links: unknown[];
}

/** Returns the Mailchimp list, or throws `ResourceNotFound` as the API does for an unknown id. */
export function findList(state: SimulatorState, listId: string): PartnerAudience {
  const list = state.findPartnerAudience('mailchimp', listId);
  if (!list) throw problem('ResourceNotFound');

  return list;
}

/** `GET /3.0/lists/{list_id}`, with the `fields` query parameter applied to top-level fields. */
export function readList(state: SimulatorState, request: FastifyRequest, listId: string) {
  const list = findList(state, listId);
  const view: Record<string, unknown> = {
    id: list.id,
    name: list.name,
    stats: { member_count: list.members.size },
  };
  const fields = (request.query as Record<string, unknown>).fields;
  if (typeof fields !== 'string') return view;

  const topLevel = new Set(fields.split(',').map((field) => field.trim().split('.')[0]));

  return Object.fromEntries(Object.entries(view).filter(([name]) => topLevel.has(name)));
}

/**
 * `POST /3.0/lists/{list_id}`: subscribes or unsubscribes up to 500 members. A member whose
 * address is malformed, or equal to the value of an `invalid_marked` fault, is listed in `errors`
 * and the rest still succeed, with HTTP 200, as the real API does.
 */
export function batchSubscribeOrUnsubscribe(
  state: SimulatorState,
  request: FastifyRequest,
  listId: string,
): BatchResponse {
  checkQuery(request.query);
  const list = findList(state, listId);
  const batch = parseBatch(request.body);
  const statuses = statusesOf(list);
  const invalidValue = findInvalidRowValue(request);
  const response: BatchResponse = {
    new_members: [],
    updated_members: [],
    errors: [],
    total_created: 0,
    total_updated: 0,
    error_count: 0,
    _links: [],
  };

  for (const member of batch.members) {
    const email = member.email_address.trim().toLowerCase();
    if (!EMAIL_PATTERN.test(email) || member.email_address === invalidValue) {
      response.errors.push({
        email_address: member.email_address,
        error: `${member.email_address} looks fake or invalid. Enter a real email address.`,
        error_code: 'ERROR_GENERIC',
      });
      continue;
    }

    const isNew = !statuses.has(email);
    if (!isNew && !batch.updateExisting) {
      response.errors.push({
        email_address: member.email_address,
        error: `${member.email_address} is already a list member. Set update_existing to change it.`,
        error_code: 'ERROR_CONTACT_EXISTS',
      });
      continue;
    }

    statuses.set(email, member.status);
    updateListedMember(list, email, member.status);
    const view = {
      id: subscriberHash(email),
      email_address: email,
      status: member.status,
      list_id: list.id,
    };
    if (isNew) response.new_members.push(view);
    else response.updated_members.push(view);
  }

  response.total_created = response.new_members.length;
  response.total_updated = response.updated_members.length;
  response.error_count = response.errors.length;

  return response;
}

/**
 * Returns the `email_address` values of a batch request, for the faults that target marked
 * values, or `undefined` for any other request. It runs before validation, so it skips what it
 * cannot read.
 */
export function readUploadCells(request: FastifyRequest): string[] | undefined {
  const params = request.params as { listId?: string } | undefined;
  if (request.method !== 'POST' || params?.listId === undefined) return undefined;

  const members = (request.body as { members?: unknown } | null | undefined)?.members;
  if (!Array.isArray(members)) return undefined;

  return members
    .map((member: unknown) => (member as { email_address?: unknown } | null)?.email_address)
    .filter((email): email is string => typeof email === 'string');
}

interface ParsedBatch {
  members: { email_address: string; status: string }[];
  updateExisting: boolean;
}

function parseBatch(body: unknown): ParsedBatch {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalidResource([
      { field: 'members', message: 'The body must be an object with members.' },
    ]);
  }
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((name) => !BATCH_FIELDS.includes(name));
  if (unknown.length > 0) {
    throw invalidResource(
      unknown.map((field) => ({ field, message: 'This field is not allowed.' })),
    );
  }

  const { members, update_existing: updateExisting, sync_tags: syncTags } = fields;
  if (!Array.isArray(members)) {
    throw invalidResource([{ field: 'members', message: 'This value must be an array.' }]);
  }
  if (members.length > MAX_MEMBERS_PER_REQUEST) {
    throw invalidResource([
      {
        field: 'members',
        message: `This array has ${members.length} items, but at most ${MAX_MEMBERS_PER_REQUEST} are allowed.`,
      },
    ]);
  }
  checkOptionalBoolean(updateExisting, 'update_existing');
  checkOptionalBoolean(syncTags, 'sync_tags');
  if (syncTags === true && updateExisting !== true) {
    throw invalidResource([
      { field: 'sync_tags', message: 'sync_tags works only together with update_existing.' },
    ]);
  }

  return {
    members: members.map((member, index) => parseMember(member, index)),
    updateExisting: updateExisting === true,
  };
}

function parseMember(value: unknown, index: number): { email_address: string; status: string } {
  const path = `members.${index}`;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidResource([{ field: path, message: 'Each member must be an object.' }]);
  }
  const member = value as Record<string, unknown>;
  const unknown = Object.keys(member).find((name) => !MEMBER_FIELDS.includes(name));
  if (unknown !== undefined) {
    throw invalidResource([{ field: `${path}.${unknown}`, message: 'This field is not allowed.' }]);
  }
  if (typeof member.email_address !== 'string' || member.email_address === '') {
    throw invalidResource([{ field: `${path}.email_address`, message: 'This value is required.' }]);
  }
  if (typeof member.status !== 'string' || !MEMBER_STATUSES.includes(member.status)) {
    throw invalidResource([
      {
        field: `${path}.status`,
        message: `This value must be one of ${MEMBER_STATUSES.join(', ')}.`,
      },
    ]);
  }

  return { email_address: member.email_address, status: member.status };
}

function checkOptionalBoolean(value: unknown, field: string): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw invalidResource([{ field, message: 'This value must be true or false.' }]);
  }
}

function checkQuery(query: unknown): void {
  const parameters = (query ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(parameters)) {
    if (!BATCH_QUERY_PARAMETERS.includes(name)) {
      throw problem('BadRequest', `The query parameter ${name} is not supported by this endpoint.`);
    }
    if (value !== 'true' && value !== 'false') {
      throw problem('BadRequest', `The query parameter ${name} must be true or false.`);
    }
  }
}

function invalidResource(errors: FieldError[]) {
  return problem(
    'InvalidResource',
    "The submitted resource did not pass validation. For field-specific details, see the 'errors' array.",
    errors,
  );
}

function statusesOf(list: PartnerAudience): Map<string, string> {
  let statuses = statusesByList.get(list);
  if (!statuses) {
    statuses = new Map();
    statusesByList.set(list, statuses);
  }

  return statuses;
}

/** Keeps the audience view to subscribed, pending and transactional members. */
function updateListedMember(list: PartnerAudience, email: string, status: string): void {
  if (LISTED_STATUSES.has(status)) list.members.add({ EMAIL: email, STATUS: status });
  else list.members.removeMatching({ EMAIL: email });
}

/** Mailchimp's member id: the MD5 of the lower-cased address, in hex. */
function subscriberHash(email: string): string {
  return createHash('md5').update(email.toLowerCase()).digest('hex');
}
