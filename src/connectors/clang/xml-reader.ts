/**
 * A small XML reader for SOAP envelopes: elements, attributes, text, CDATA, comments and
 * processing instructions. It has no DTD support: a document with `<!DOCTYPE` is rejected, so
 * no entity expansion can happen. Namespaces are not resolved. Each element keeps its prefix,
 * and callers match elements on the local name.
 */

/** One parsed element. `text` is the concatenated character data of its direct children. */
export interface XmlElement {
  /** Local name, without the namespace prefix. */
  name: string;
  /** Namespace prefix as written, or `''` when the name has none. */
  prefix: string;
  /** Attributes by local name, with entities decoded. */
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** A document that is not well-formed, or that uses a feature the reader does not support. */
export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
    this.name = 'XmlSyntaxError';
  }
}

/** Maximum element nesting depth, which bounds the work for hostile documents. */
export const MAX_XML_DEPTH = 64;

const NAME_PATTERN = /^[A-Za-z_][\w.-]*(:[A-Za-z_][\w.-]*)?$/;

const PREDEFINED_ENTITIES: Record<string, string> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
};

/**
 * Parses `xml` and returns its root element. Throws `XmlSyntaxError` for a document that is not
 * well-formed, has more than one root, nests deeper than `MAX_XML_DEPTH` or declares a DTD.
 */
export function parseXml(xml: string): XmlElement {
  const parser = new XmlParser(xml);

  return parser.parseDocument();
}

/** Returns the first child element with this local name, or `undefined`. */
export function findChild(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((child) => child.name === name);
}

/** Returns every child element with this local name, in document order. */
export function findChildren(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

/** Returns the text of the first child with this local name, or `undefined` when there is none. */
export function childText(element: XmlElement, name: string): string | undefined {
  return findChild(element, name)?.text;
}

/** Replaces `& < > " '` with entities, so the value can go into element text or an attribute. */
export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

class XmlParser {
  #position = 0;

  constructor(private readonly xml: string) {}

  parseDocument(): XmlElement {
    this.#skipProlog();
    if (!this.xml.startsWith('<', this.#position)) this.#fail('Expected the root element');

    const root = this.#parseElement(1);
    this.#skipMisc();
    if (this.#position < this.xml.length) this.#fail('Unexpected content after the root element');

    return root;
  }

  /** Skips the XML declaration, comments, processing instructions and whitespace. */
  #skipProlog(): void {
    if (this.xml.charCodeAt(0) === 0xfeff) this.#position = 1;
    this.#skipMisc();
  }

  #skipMisc(): void {
    for (;;) {
      this.#skipWhitespace();
      if (this.xml.startsWith('<?', this.#position)) {
        this.#skipPast('?>', 'processing instruction');
      } else if (this.xml.startsWith('<!--', this.#position)) {
        this.#skipPast('-->', 'comment');
      } else if (this.xml.startsWith('<!', this.#position)) {
        this.#fail('Document type declarations are not supported');
      } else {
        return;
      }
    }
  }

  #parseElement(depth: number): XmlElement {
    if (depth > MAX_XML_DEPTH) this.#fail(`Elements nest deeper than ${MAX_XML_DEPTH} levels`);

    this.#position += 1; // '<'
    const qualifiedName = this.#readName();
    const element = createElement(qualifiedName);
    const selfClosing = this.#readAttributes(element);
    if (selfClosing) return element;

    const textParts: string[] = [];
    for (;;) {
      const next = this.xml.indexOf('<', this.#position);
      if (next === -1) this.#fail(`Element <${qualifiedName}> is not closed`);

      textParts.push(decodeEntities(this.xml.slice(this.#position, next), this.#position));
      this.#position = next;
      if (this.xml.startsWith('</', this.#position)) {
        this.#readEndTag(qualifiedName);
        element.text = textParts.join('');

        return element;
      }
      if (this.xml.startsWith('<![CDATA[', this.#position)) {
        const end = this.xml.indexOf(']]>', this.#position);
        if (end === -1) this.#fail('CDATA section is not closed');
        textParts.push(this.xml.slice(this.#position + 9, end));
        this.#position = end + 3;
      } else if (this.xml.startsWith('<!--', this.#position)) {
        this.#skipPast('-->', 'comment');
      } else if (this.xml.startsWith('<?', this.#position)) {
        this.#skipPast('?>', 'processing instruction');
      } else if (this.xml.startsWith('<!', this.#position)) {
        this.#fail('Declarations are not allowed inside an element');
      } else {
        element.children.push(this.#parseElement(depth + 1));
      }
    }
  }

  /** Reads attributes up to `>` or `/>`. Returns true for a self-closing tag. */
  #readAttributes(element: XmlElement): boolean {
    for (;;) {
      const hadWhitespace = this.#skipWhitespace();
      if (this.xml.startsWith('/>', this.#position)) {
        this.#position += 2;
        return true;
      }
      if (this.xml.startsWith('>', this.#position)) {
        this.#position += 1;
        return false;
      }
      if (!hadWhitespace) this.#fail('Expected whitespace before an attribute');

      const name = this.#readName();
      this.#skipWhitespace();
      if (this.xml[this.#position] !== '=') this.#fail(`Attribute ${name} has no value`);
      this.#position += 1;
      this.#skipWhitespace();
      const quote = this.xml[this.#position];
      if (quote !== '"' && quote !== "'") this.#fail(`Attribute ${name} value is not quoted`);

      const end = this.xml.indexOf(quote, this.#position + 1);
      if (end === -1) this.#fail(`Attribute ${name} value is not closed`);
      const raw = this.xml.slice(this.#position + 1, end);
      if (raw.includes('<')) this.#fail(`Attribute ${name} value contains <`);
      element.attributes[localName(name)] = decodeEntities(raw, this.#position + 1);
      this.#position = end + 1;
    }
  }

  #readEndTag(expectedName: string): void {
    this.#position += 2; // '</'
    const name = this.#readName();
    if (name !== expectedName) this.#fail(`Expected </${expectedName}> but found </${name}>`);
    this.#skipWhitespace();
    if (this.xml[this.#position] !== '>') this.#fail(`End tag </${name}> is not closed`);
    this.#position += 1;
  }

  #readName(): string {
    const start = this.#position;
    while (this.#position < this.xml.length && !/[\s/>=]/.test(this.xml[this.#position] ?? '')) {
      this.#position += 1;
    }
    const name = this.xml.slice(start, this.#position);
    if (!NAME_PATTERN.test(name)) this.#fail(`Invalid name "${name.slice(0, 40)}"`);

    return name;
  }

  /** Skips whitespace and returns whether there was any. */
  #skipWhitespace(): boolean {
    const start = this.#position;
    while (/\s/.test(this.xml[this.#position] ?? '')) this.#position += 1;

    return this.#position > start;
  }

  #skipPast(terminator: string, what: string): void {
    const end = this.xml.indexOf(terminator, this.#position);
    if (end === -1) this.#fail(`The ${what} is not closed`);
    this.#position = end + terminator.length;
  }

  #fail(message: string): never {
    throw new XmlSyntaxError(message, this.#position);
  }
}

function createElement(qualifiedName: string): XmlElement {
  const colon = qualifiedName.indexOf(':');
  const prefix = colon === -1 ? '' : qualifiedName.slice(0, colon);

  return { name: localName(qualifiedName), prefix, attributes: {}, children: [], text: '' };
}

function localName(qualifiedName: string): string {
  const colon = qualifiedName.indexOf(':');

  return colon === -1 ? qualifiedName : qualifiedName.slice(colon + 1);
}

/** Decodes the predefined entities and character references. Any other entity is an error. */
function decodeEntities(text: string, offset: number): string {
  if (!text.includes('&')) return text;

  return text.replace(/&([^;&\s]*);?/g, (match, entity: string) => {
    if (!match.endsWith(';'))
      throw new XmlSyntaxError('Entity reference has no closing semicolon', offset);

    const predefined = PREDEFINED_ENTITIES[entity];
    if (predefined !== undefined) return predefined;

    const codePoint = readCharacterReference(entity);
    if (codePoint === undefined) {
      throw new XmlSyntaxError(`Unknown entity &${entity.slice(0, 20)};`, offset);
    }

    return String.fromCodePoint(codePoint);
  });
}

/** Returns the code point of `#NNN` or `#xHHH`, or `undefined` for anything XML does not allow. */
function readCharacterReference(entity: string): number | undefined {
  let codePoint: number;
  if (/^#x[0-9a-f]{1,6}$/i.test(entity)) {
    codePoint = Number.parseInt(entity.slice(2), 16);
  } else if (/^#[0-9]{1,7}$/.test(entity)) {
    codePoint = Number.parseInt(entity.slice(1), 10);
  } else {
    return undefined;
  }

  const isSurrogate = codePoint >= 0xd800 && codePoint <= 0xdfff;
  if (codePoint === 0 || codePoint > 0x10ffff || isSurrogate) return undefined;

  return codePoint;
}
