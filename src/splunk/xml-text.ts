/** XML 1.0 text escaping for everything we print to splunkd. Pure. */

const specials = /[&<>"']/g;
const replacements: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

// Characters XML 1.0 cannot carry at all, even escaped: C0 controls other than tab/LF/CR,
// U+FFFE/U+FFFF and unpaired surrogates (the `u` flag makes the class skip valid pairs).
// eslint-disable-next-line no-control-regex -- these are the characters XML 1.0 forbids
const notXmlChar = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/u;
// eslint-disable-next-line no-control-regex -- as above
const notXmlCharGlobal = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/gu;

/** Escapes markup characters; replaces characters XML cannot carry with U+FFFD. For short text. */
export function escapeXmlText(text: string): string {
  const safe = notXmlChar.test(text) ? text.replace(notXmlCharGlobal, '\uFFFD') : text;
  return safe.replace(specials, (c) => replacements[c] ?? c);
}

// One scan finds everything escapeJsonForXml may change. No `u` flag: unicode-mode regexes are
// several times slower on long ASCII-heavy strings, so surrogates are matched one by one and only
// unpaired ones are escaped.
// eslint-disable-next-line no-control-regex -- these are the characters XML 1.0 forbids
const dataAttention = /[&<>\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
// eslint-disable-next-line no-control-regex -- as above
const dataAttentionGlobal = /[&<>\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/g;

function jsonEscape(code: number): string {
  return '\\u' + code.toString(16).padStart(4, '0');
}

function escapeDataChar(char: string, offset: number, whole: string): string {
  const code = char.charCodeAt(0);
  if (code >= 0xd800 && code <= 0xdbff) {
    const next = whole.charCodeAt(offset + 1);
    return next >= 0xdc00 && next <= 0xdfff ? char : jsonEscape(code);
  }
  if (code >= 0xdc00 && code <= 0xdfff) {
    const previous = whole.charCodeAt(offset - 1);
    return previous >= 0xd800 && previous <= 0xdbff ? char : jsonEscape(code);
  }
  return replacements[char] ?? jsonEscape(code);
}

/**
 * Escapes raw JSON for a `<data>` element. Characters XML cannot carry can only occur inside JSON
 * strings, so they become JSON `\uXXXX` escapes: lossless, and JSON.parse gives the original value.
 */
export function escapeJsonForXml(json: string): string {
  return dataAttention.test(json) ? json.replace(dataAttentionGlobal, escapeDataChar) : json;
}

// escapeJsonForXml on UTF-8 bytes read one char per byte. Raw JSON holds no C0 controls (JSON
// forbids them unescaped) and valid UTF-8 no surrogates, so besides the markup characters only
// U+FFFE and U+FFFF (EF BF BE, EF BF BF) can occur.
const byteSpecials = /[&<>]|\xEF\xBF[\xBE\xBF]/;
const byteSpecialsGlobal = /[&<>]|\xEF\xBF[\xBE\xBF]/g;
const byteReplacements: Readonly<Record<string, string>> = {
  ...replacements,
  '\xEF\xBF\xBE': '\\ufffe',
  '\xEF\xBF\xBF': '\\uffff',
};

/**
 * escapeJsonForXml for UTF-8 bytes given as a one-byte string (char i = byte i): the escaped
 * bytes in the same form, or undefined when nothing needs escaping (the usual case).
 */
export function escapeJsonBytesForXml(bytesText: string): string | undefined {
  if (!byteSpecials.test(bytesText)) return undefined;
  return bytesText.replace(byteSpecialsGlobal, (c) => byteReplacements[c] ?? c);
}

const ampersand = 0x26;
const lessThan = 0x3c;
const greaterThan = 0x3e;
const nonCharacterLead = Buffer.from([0xef, 0xbf]);

/**
 * Offsets (ascending) of every byte escapeJsonBytesForXml would change in UTF-8 `bytes`: `&`, `<`,
 * `>`, and the first byte of U+FFFE/U+FFFF. Native byte searches over the whole page, so the
 * items that need no escaping (nearly all) are copied without being looked at again.
 */
export function jsonByteSpecials(bytes: Buffer): number[] {
  const found: number[] = [];
  for (const byte of [ampersand, lessThan, greaterThan]) {
    for (let at = bytes.indexOf(byte); at !== -1; at = bytes.indexOf(byte, at + 1)) found.push(at);
  }
  for (let at = bytes.indexOf(nonCharacterLead); at !== -1;) {
    const third = bytes[at + 2];
    if (third === 0xbe || third === 0xbf) found.push(at);
    at = bytes.indexOf(nonCharacterLead, at + 1);
  }
  return found.sort((a, b) => a - b);
}
