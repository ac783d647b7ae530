/**
 * Parses what splunkd writes to the script's stdin: `<input>` in run mode and `<items>` for
 * --validate-arguments. Unknown elements inside a stanza are an error, as in Splunk's SDKs.
 */
import { AddonError, describeError } from '../core/errors';
import {
  childElements,
  childText,
  decodeXmlBytes,
  parseXmlDocument,
  type XmlElement,
} from './xml-tree';

export type ParamValue = string | readonly string[];

export interface StanzaDefinition {
  /** Full stanza name, e.g. onepassword_events://acme */
  readonly name: string;
  readonly app: string | undefined;
  readonly params: Readonly<Record<string, ParamValue>>;
}

export interface SplunkdContext {
  readonly serverHost: string;
  readonly serverUri: string;
  readonly sessionKey: string;
  readonly checkpointDir: string;
}

export interface InputDefinition extends SplunkdContext {
  readonly stanzas: readonly StanzaDefinition[];
}

export interface ValidationDefinition extends SplunkdContext {
  readonly item: StanzaDefinition;
}

function protocolError(message: string, cause?: unknown): AddonError {
  return new AddonError('config', message, cause === undefined ? {} : { cause });
}

function parseRoot(bytes: Uint8Array, expected: string): XmlElement {
  let root: XmlElement;
  try {
    root = parseXmlDocument(decodeXmlBytes(bytes));
  } catch (error) {
    throw protocolError(`splunkd sent XML that does not parse: ${describeError(error)}`, error);
  }
  if (root.name !== expected) {
    throw protocolError(`splunkd sent <${root.name}> where <${expected}> was expected`);
  }
  return root;
}

function parseContext(root: XmlElement): SplunkdContext {
  const required = (name: string): string => {
    const value = childText(root, name);
    if (value === undefined || value === '')
      throw protocolError(`splunkd's <${root.name}> lacks <${name}>`);
    return value;
  };
  return {
    serverHost: childText(root, 'server_host') ?? '',
    serverUri: required('server_uri'),
    sessionKey: required('session_key'),
    checkpointDir: childText(root, 'checkpoint_dir') ?? '',
  };
}

function parseParams(element: XmlElement, what: string): Record<string, ParamValue> {
  const params: Record<string, ParamValue> = {};
  for (const child of element.children) {
    const name = child.attributes['name'];
    if (name === undefined) throw protocolError(`<${child.name}> in ${what} has no name attribute`);
    if (child.name === 'param') params[name] = child.text.trim();
    else if (child.name === 'param_list')
      params[name] = childElements(child, 'value').map((v) => v.text.trim());
    else throw protocolError(`${what} contains an unexpected <${child.name}> element`);
  }
  return params;
}

export function parseInputDefinition(bytes: Uint8Array): InputDefinition {
  const root = parseRoot(bytes, 'input');
  const configuration = childElements(root, 'configuration')[0];
  const stanzas = (configuration ? childElements(configuration, 'stanza') : []).map((stanza) => {
    const name = stanza.attributes['name'];
    if (name === undefined || name === '') throw protocolError('a <stanza> has no name attribute');
    return { name, app: stanza.attributes['app'], params: parseParams(stanza, `stanza "${name}"`) };
  });
  return { ...parseContext(root), stanzas };
}

export function parseValidationDefinition(bytes: Uint8Array): ValidationDefinition {
  const root = parseRoot(bytes, 'items');
  const items = childElements(root, 'item');
  if (items.length !== 1)
    throw protocolError(`<items> must hold exactly one <item>, found ${items.length}`);
  const item = items[0] as XmlElement;
  const name = item.attributes['name'];
  if (name === undefined || name === '') throw protocolError('the <item> has no name attribute');
  return {
    ...parseContext(root),
    item: { name, app: undefined, params: parseParams(item, `item "${name}"`) },
  };
}

export { inputNameOf } from '../core/contracts';
