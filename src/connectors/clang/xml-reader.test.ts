import { describe, expect, it } from 'vitest';
import { buildSoapRequest, readSoapResponse } from './soap-envelope.js';
import { childText, escapeXml, findChild, parseXml, XmlSyntaxError } from './xml-reader.js';

describe('parseXml', () => {
  it('reads nested elements by local name', () => {
    const root = parseXml(
      '<?xml version="1.0"?><!-- note --><a:Root xmlns:a="urn:x"><a:item id="1">one</a:item><b/></a:Root>',
    );

    expect(root.name).toBe('Root');
    expect(root.prefix).toBe('a');
    expect(root.children.map((child) => child.name)).toEqual(['item', 'b']);
    expect(findChild(root, 'item')?.attributes).toEqual({ id: '1' });
    expect(childText(root, 'item')).toBe('one');
  });

  it.each([
    ['&lt;a&gt; &amp; &quot;b&quot; &apos;c&apos;', '<a> & "b" \'c\''],
    ['&#233;&#xE9;', 'éé'],
    ['<![CDATA[<raw> & text]]>', '<raw> & text'],
    ['a<!-- skipped -->b', 'ab'],
  ])('decodes text %j', (content, expected) => {
    expect(parseXml(`<r>${content}</r>`).text).toBe(expected);
  });

  it.each([
    ['mismatched end tag', '<a></b>'],
    ['unclosed element', '<a><b></b>'],
    ['two roots', '<a/><b/>'],
    ['unknown entity', '<a>&nbsp;</a>'],
    ['entity without semicolon', '<a>&amp</a>'],
    ['document type declaration', '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'],
    ['unquoted attribute', '<a b=c/>'],
    ['null character reference', '<a>&#0;</a>'],
    ['surrogate character reference', '<a>&#xD800;</a>'],
    ['text before root', 'hello<a/>'],
  ])('rejects %s', (_case, xml) => {
    expect(() => parseXml(xml)).toThrow(XmlSyntaxError);
  });

  it('rejects nesting deeper than 64 levels', () => {
    const xml = '<a>'.repeat(65) + '</a>'.repeat(65);

    expect(() => parseXml(xml)).toThrow(/deeper than 64/);
  });
});

describe('escapeXml', () => {
  it('escapes markup characters', () => {
    expect(escapeXml(`<a href="x">Tom & 'Jerry'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;',
    );
  });
});

describe('buildSoapRequest', () => {
  it('writes fields in order with escaped values', () => {
    const xml = buildSoapRequest('customer_insert', [
      ['uuid', 'u-1'],
      [
        'customer',
        [
          ['firstname', 'A & B'],
          ['emailAddress', 'a@example.com'],
        ],
      ],
    ]);

    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>' +
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
        '<customer_insert xmlns="https://secure.myclang.com/app/api/soap/public/index.php">' +
        '<uuid>u-1</uuid><customer><firstname>A &amp; B</firstname>' +
        '<emailAddress>a@example.com</emailAddress></customer>' +
        '</customer_insert></soap:Body></soap:Envelope>',
    );
  });
});

describe('readSoapResponse', () => {
  it('reads a result', () => {
    const response = readSoapResponse(
      '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>' +
        '<ns1:group_addMemberResponse><ns1:code>0</ns1:code><ns1:msg>true</ns1:msg>' +
        '</ns1:group_addMemberResponse></S:Body></S:Envelope>',
    );

    expect(response).toMatchObject({ kind: 'result', code: 0, msg: { name: 'msg', text: 'true' } });
  });

  it('reads a nil msg as missing', () => {
    const response = readSoapResponse(
      '<Envelope><Body><x><code>0</code><msg xsi:nil="true"/></x></Body></Envelope>',
    );

    expect(response).toEqual({ kind: 'result', code: 0, msg: undefined });
  });

  it('reads a fault and strips the code prefix', () => {
    const response = readSoapResponse(
      '<SOAP-ENV:Envelope><SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>SOAP-ENV:Server</faultcode>' +
        '<faultstring> Internal error </faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>',
    );

    expect(response).toEqual({ kind: 'fault', faultCode: 'Server', faultString: 'Internal error' });
  });

  it.each([
    ['HTML page', '<!DOCTYPE html><html></html>'],
    ['plain text', 'Service Unavailable'],
    ['XML without envelope', '<Error/>'],
    ['empty body', '<Envelope><Body></Body></Envelope>'],
  ])('reports %s as unreadable', (_case, text) => {
    expect(readSoapResponse(text).kind).toBe('unreadable');
  });
});
