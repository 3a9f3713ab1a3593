import { childText, escapeXml, findChild, parseXml, XmlSyntaxError } from './xml-reader.js';
import type { XmlElement } from './xml-reader.js';

/** Target namespace of Clang's WSDL (version 1.24), which qualifies every request element. */
export const CLANG_NAMESPACE = 'https://secure.myclang.com/app/api/soap/public/index.php';

/** SOAP 1.1 envelope namespace. */
export const SOAP_ENVELOPE_NAMESPACE = 'http://schemas.xmlsoap.org/soap/envelope/';

/**
 * One element of a request: its name and either text or nested elements. Fields are a list, not
 * an object, because the WSDL declares each type as an `xsd:sequence`, where order matters.
 */
export type SoapField = readonly [name: string, value: string | readonly SoapField[]];

/** A response body read from a SOAP envelope. */
export type SoapResponse =
  | {
      kind: 'result';
      /** Clang's result code: 0 means success. */
      code: number | undefined;
      /** The `msg` element, or `undefined` when it is missing or `xsi:nil`. */
      msg: XmlElement | undefined;
    }
  | {
      kind: 'fault';
      /** `faultcode` without a namespace prefix, such as `107` or `Server`. */
      faultCode: string;
      faultString: string;
    }
  | { kind: 'unreadable'; reason: string };

/**
 * Builds a document/literal SOAP 1.1 request for `operation`. The operation element declares
 * Clang's namespace as the default namespace, so its children are qualified as the WSDL's
 * `elementFormDefault="qualified"` requires.
 */
export function buildSoapRequest(operation: string, fields: readonly SoapField[]): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<soap:Envelope xmlns:soap="${SOAP_ENVELOPE_NAMESPACE}">` +
    '<soap:Body>' +
    `<${operation} xmlns="${CLANG_NAMESPACE}">${writeFields(fields)}</${operation}>` +
    '</soap:Body>' +
    '</soap:Envelope>'
  );
}

function writeFields(fields: readonly SoapField[]): string {
  return fields
    .map(([name, value]) => {
      const content = typeof value === 'string' ? escapeXml(value) : writeFields(value);

      return `<${name}>${content}</${name}>`;
    })
    .join('');
}

/**
 * Reads a SOAP response: a `Fault`, or the operation's response element with `code` and `msg`.
 * Anything else, including text that is not XML, is `unreadable`.
 */
export function readSoapResponse(text: string): SoapResponse {
  let envelope: XmlElement;
  try {
    envelope = parseXml(text);
  } catch (error) {
    if (!(error instanceof XmlSyntaxError)) throw error;

    return { kind: 'unreadable', reason: `the body is not XML (${error.message})` };
  }

  const body = envelope.name === 'Envelope' ? findChild(envelope, 'Body') : undefined;
  if (body === undefined) return { kind: 'unreadable', reason: 'the body has no SOAP envelope' };

  const fault = findChild(body, 'Fault');
  if (fault !== undefined) {
    const faultCode = stripPrefix(childText(fault, 'faultcode')?.trim() ?? '');
    const faultString = childText(fault, 'faultstring')?.trim() ?? '';

    return { kind: 'fault', faultCode, faultString };
  }

  const result = body.children[0];
  if (result === undefined) return { kind: 'unreadable', reason: 'the SOAP body is empty' };

  const codeText = childText(result, 'code')?.trim();
  const code =
    codeText !== undefined && /^-?\d{1,9}$/.test(codeText) ? Number(codeText) : undefined;
  const msg = findChild(result, 'msg');

  return { kind: 'result', code, msg: msg === undefined || isNil(msg) ? undefined : msg };
}

/** Returns whether an element is marked `xsi:nil="true"`. */
export function isNil(element: XmlElement): boolean {
  return element.attributes.nil === 'true' || element.attributes.nil === '1';
}

/** Removes the prefix of a QName, so `SOAP-ENV:Server` becomes `Server`. */
function stripPrefix(qualifiedName: string): string {
  const colon = qualifiedName.lastIndexOf(':');

  return colon === -1 ? qualifiedName : qualifiedName.slice(colon + 1);
}
