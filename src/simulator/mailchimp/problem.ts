import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { PartnerError } from '../partner-error.js';

/** One entry of the Marketing API error glossary: HTTP status, glossary name and title. */
export interface GlossaryEntry {
  status: number;
  /** Glossary name, which is the title without spaces. */
  name: string;
  title: string;
  /** Simulator's default `detail`. */
  detail: string;
}

/**
 * The error glossary of the Marketing API, in the order Mailchimp lists it (source:
 * https://mailchimp.com/developer/marketing/docs/errors/). Faults pick an entry by `code`, the
 * HTTP status, and `subcode`, the position among the entries of that status (0 when omitted).
 */
export const MAILCHIMP_GLOSSARY: readonly GlossaryEntry[] = [
  {
    status: 400,
    name: 'BadRequest',
    title: 'Bad Request',
    detail: 'The request could not be processed.',
  },
  {
    status: 400,
    name: 'InvalidAction',
    title: 'Invalid Action',
    detail: 'The action is not valid for this resource.',
  },
  {
    status: 400,
    name: 'InvalidResource',
    title: 'Invalid Resource',
    detail: 'The submitted resource did not pass validation.',
  },
  {
    status: 400,
    name: 'JSONParseError',
    title: 'JSON Parse Error',
    detail: 'The request body is not valid JSON.',
  },
  {
    status: 401,
    name: 'APIKeyMissing',
    title: 'API Key Missing',
    detail: 'The request has no API key.',
  },
  {
    status: 401,
    name: 'APIKeyInvalid',
    title: 'API Key Invalid',
    detail: 'The API key is invalid, or it belongs to another data center.',
  },
  {
    status: 403,
    name: 'Forbidden',
    title: 'Forbidden',
    detail: 'The API key may not access this resource.',
  },
  { status: 403, name: 'UserDisabled', title: 'User Disabled', detail: 'The account is disabled.' },
  {
    status: 403,
    name: 'WrongDatacenter',
    title: 'Wrong Datacenter',
    detail: 'The API key belongs to another data center.',
  },
  {
    status: 404,
    name: 'ResourceNotFound',
    title: 'Resource Not Found',
    detail: 'The requested resource was not found.',
  },
  {
    status: 405,
    name: 'MethodNotAllowed',
    title: 'Method Not Allowed',
    detail: 'The resource does not support this method.',
  },
  {
    status: 414,
    name: 'ResourceNestingTooDeep',
    title: 'Resource Nesting Too Deep',
    detail: 'The sub-resource is nested too deeply.',
  },
  {
    status: 422,
    name: 'InvalidMethodOverride',
    title: 'Invalid Method Override',
    detail: 'X-HTTP-Method-Override is allowed with POST only.',
  },
  {
    status: 422,
    name: 'RequestedFieldsInvalid',
    title: 'Requested Fields Invalid',
    detail: 'The requested fields are invalid.',
  },
  {
    status: 429,
    name: 'TooManyRequests',
    title: 'Too Many Requests',
    detail: 'The account has more than 10 simultaneous connections.',
  },
  {
    status: 500,
    name: 'InternalServerError',
    title: 'Internal Server Error',
    detail: 'An unexpected internal error occurred.',
  },
  {
    status: 503,
    name: 'ComplianceRelated',
    title: 'Compliance Related',
    detail: 'This method is disabled for the account.',
  },
];

/** Returns the glossary entry with this name; throws for a name that is not in the glossary. */
export function glossaryEntry(name: string): GlossaryEntry {
  const entry = MAILCHIMP_GLOSSARY.find((candidate) => candidate.name === name);
  if (!entry) throw new Error(`No Mailchimp glossary entry named ${name}.`);

  return entry;
}

/** Returns the fault code and subcode that select a glossary entry, for `PartnerError`. */
export function partnerErrorOf(name: string, detail?: string): PartnerError {
  const entry = glossaryEntry(name);
  const sameStatus = MAILCHIMP_GLOSSARY.filter((candidate) => candidate.status === entry.status);

  return {
    status: entry.status,
    code: entry.status,
    subcode: sameStatus.indexOf(entry),
    message: detail ?? entry.detail,
  };
}

/** One field error of a validation failure. */
export interface FieldError {
  field: string;
  message: string;
}

/** RFC 7807 problem body, as the Marketing API sends it. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: FieldError[];
}

const PROBLEM_TYPE = 'https://mailchimp.com/developer/marketing/docs/errors/';

/** A Marketing API error that the route error handler sends as a problem body. */
export class MailchimpProblem extends Error {
  constructor(
    readonly entry: GlossaryEntry,
    detail: string = entry.detail,
    readonly fieldErrors?: FieldError[],
  ) {
    super(detail);
    this.name = 'MailchimpProblem';
  }

  toBody(): ProblemBody {
    return problemBody(this.entry.title, this.entry.status, this.message, this.fieldErrors);
  }
}

/** Returns a problem for the glossary entry `name`, with an optional detail and field errors. */
export function problem(
  name: string,
  detail?: string,
  fieldErrors?: FieldError[],
): MailchimpProblem {
  return new MailchimpProblem(glossaryEntry(name), detail, fieldErrors);
}

/**
 * Formats a fault's error. `code` is the HTTP status of a glossary entry and `subcode` its
 * position among that status's entries. A pair outside the glossary gets the reason phrase of
 * the status as its title.
 */
export function formatFaultProblem(error: PartnerError): ProblemBody {
  const sameStatus = MAILCHIMP_GLOSSARY.filter((entry) => entry.status === error.code);
  const entry = sameStatus[error.subcode ?? 0];
  const title = entry?.title ?? STATUS_CODES[error.status] ?? 'Error';

  return problemBody(title, error.status, error.message);
}

function problemBody(
  title: string,
  status: number,
  detail: string,
  errors?: FieldError[],
): ProblemBody {
  const body: ProblemBody = { type: PROBLEM_TYPE, title, status, detail, instance: randomUUID() };
  if (errors !== undefined && errors.length > 0) body.errors = errors;

  return body;
}
