import type { FastifyRequest } from 'fastify';
import { CLANG_NAMESPACE, SOAP_ENVELOPE_NAMESPACE } from '../../connectors/clang/soap-envelope.js';
import {
  escapeXml,
  findChild,
  parseXml,
  XmlSyntaxError,
  type XmlElement,
} from '../../connectors/clang/xml-reader.js';
import type { PartnerError, PartnerErrorProfile } from '../partner-error.js';
import { REDACTED } from '../request-log.js';

/** A SOAP call as the content type parser reads it, with the uuid replaced for the request log. */
export interface SoapCallBody {
  operation: string;
  /** The operation's parameters as plain values, for `GET /_control/requests`. */
  parameters: Record<string, unknown>;
}

/** A fault that the Clang routes send as a SOAP 1.1 Fault with HTTP 500. */
export class ClangFault extends Error {
  constructor(
    readonly faultCode: string,
    message: string,
    readonly status = 500,
  ) {
    super(message);
    this.name = 'ClangFault';
  }
}

// Fault codes 107 and 213 and their messages follow the node-clang client. Clang documents no
// code for an unknown uuid, an unknown group or invalid customer data.
// NOTE: the simulator's codes 101, 220 and 104 for those three faults are its own choice.
export const INVALID_UUID_FAULT = { code: 101, message: 'Invalid uuid' };
export const NO_PERMISSION_FAULT = { code: 101, message: 'The uuid has no access to this method' };
export const ALREADY_MEMBER_FAULT = { code: 107, message: 'customer already member of group' };
export const CUSTOMER_NOT_FOUND_FAULT = { code: 213, message: 'Customer not found' };
export const GROUP_NOT_FOUND_FAULT = { code: 220, message: 'Group not found' };
export const INVALID_DATA_FAULT = { code: 104, message: 'Invalid customer data' };

/** Clang's fault responses for the faults that imitate partner errors. */
export const clangErrorProfile: PartnerErrorProfile = {
  partner: 'clang',
  defaultErrorStatus: 500,
  formatError: (error: PartnerError) => buildFaultXml(String(error.code), error.message),
  expiredTokenError: { status: 500, ...INVALID_UUID_FAULT },
  missingPermissionError: { status: 500, ...NO_PERMISSION_FAULT },
  invalidDataError: { status: 500, ...INVALID_DATA_FAULT },
};

const uuids = new WeakMap<FastifyRequest, string>();
const operationElements = new WeakMap<FastifyRequest, XmlElement>();

/**
 * Parses a SOAP request body. Stores the operation element and the uuid for the route, and
 * returns the body for the request log with the uuid replaced by `***`. Throws `ClangFault`
 * `Client` for a body that is not a SOAP envelope with one operation.
 */
export function parseSoapCall(request: FastifyRequest, text: string): SoapCallBody {
  let envelope: XmlElement;
  try {
    envelope = parseXml(text);
  } catch (error) {
    if (!(error instanceof XmlSyntaxError)) throw error;
    throw new ClangFault('Client', `Bad Request: ${error.message}`);
  }

  const body = envelope.name === 'Envelope' ? findChild(envelope, 'Body') : undefined;
  const operation = body?.children[0];
  if (body === undefined || operation === undefined || body.children.length !== 1) {
    throw new ClangFault('Client', 'Bad Request: expected a SOAP Envelope with one operation');
  }

  const uuid = findChild(operation, 'uuid')?.text.trim();
  if (uuid) uuids.set(request, uuid);
  operationElements.set(request, operation);

  return { operation: operation.name, parameters: toPlainValues(operation) };
}

/** Returns the uuid of the request's SOAP call, or `undefined` when it has none. */
export function readSoapUuid(request: FastifyRequest): string | undefined {
  return uuids.get(request);
}

/** Returns the operation element of the request's SOAP call. */
export function readOperationElement(request: FastifyRequest): XmlElement | undefined {
  return operationElements.get(request);
}

/** Returns the text values of a SOAP call's parameters, except the uuid, for marked faults. */
export function readSoapCallCells(request: FastifyRequest): string[] | undefined {
  const operation = operationElements.get(request);
  if (operation === undefined) return undefined;

  const cells: string[] = [];
  const collect = (element: XmlElement) => {
    if (element.children.length === 0 && element.name !== 'uuid') cells.push(element.text.trim());
    for (const child of element.children) collect(child);
  };
  for (const child of operation.children) collect(child);

  return cells;
}

/** Builds a document/literal response envelope `<{operation}Response>` with `code` and `msg`. */
export function buildResultXml(operation: string, code: number, msgXml: string): string {
  return envelope(
    `<ns1:${operation}Response><ns1:code>${code}</ns1:code>${msgXml}</ns1:${operation}Response>`,
  );
}

/** Builds a SOAP 1.1 Fault envelope. */
export function buildFaultXml(faultCode: string, faultString: string): string {
  return envelope(
    '<SOAP-ENV:Fault>' +
      `<faultcode>${escapeXml(faultCode)}</faultcode>` +
      `<faultstring>${escapeXml(faultString)}</faultstring>` +
      '</SOAP-ENV:Fault>',
  );
}

/** Writes a `msg` element with text, nested elements, or `xsi:nil` for `undefined`. */
export function msgElement(content: string | undefined, isXml = false): string {
  if (content === undefined) return '<ns1:msg xsi:nil="true"/>';
  const inner = isXml ? content : escapeXml(content);

  return `<ns1:msg>${inner}</ns1:msg>`;
}

/** Writes `<ns1:{name}>` elements for each field, in the given order, skipping missing values. */
export function writeElements(fields: readonly (readonly [string, string | undefined])[]): string {
  return fields
    .filter((field): field is readonly [string, string] => field[1] !== undefined)
    .map(([name, value]) => `<ns1:${name}>${escapeXml(value)}</ns1:${name}>`)
    .join('');
}

function envelope(bodyContent: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<SOAP-ENV:Envelope xmlns:SOAP-ENV="${SOAP_ENVELOPE_NAMESPACE}" ` +
    `xmlns:ns1="${CLANG_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
    `<SOAP-ENV:Body>${bodyContent}</SOAP-ENV:Body></SOAP-ENV:Envelope>\n`
  );
}

/** Converts an element's children into plain values: text for leaves, objects for the rest. */
function toPlainValues(element: XmlElement): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const child of element.children) {
    const value = plainValueOf(child);
    const existing = values[child.name];
    if (existing === undefined) values[child.name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else values[child.name] = [existing, value];
  }

  return values;
}

function plainValueOf(element: XmlElement): unknown {
  if (element.name === 'uuid') return REDACTED;
  if (element.children.length === 0) return element.text;

  return toPlainValues(element);
}
