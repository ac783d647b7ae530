/**
 * Hostile-but-valid content: strings and JSON spellings that are legal for the API to send but
 * break careless XML writers, JSON re-serialisers, UTF-16/UTF-8 conversions and 53-bit numbers.
 * Pure.
 */
import type { Prng } from './prng';

/** Values a string field may carry. Each one is still valid once JSON-encoded. */
export const hostileStrings: readonly string[] = [
  '<script>alert("x")</script>',
  'Tom & Jerry <tom&jerry@example.com>',
  'end of CDATA ]]> here',
  '<![CDATA[ nested ]]>',
  '</data></event><event><data>injected</data></event>',
  '"double" \'single\' \\back\\slash\\ /slash/',
  'emoji 🔐🗝️ 👩🏽‍💻 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  'noncharacters \uFFFE and \uFFFF raw',
  'nul \u0000 byte and controls \u0001\u0008\u001b\u001f',
  'tab\tnewline\ncarriage\rreturn',
  'lone high surrogate \ud800 and low \udfff',
  'line separators \u2028 \u2029 and DEL \u007f',
  'bidi \u202egnirts desrever\u202c zero\u200bwidth',
  '&lt;already escaped&gt; &amp; &#x26; &#0;',
  '%s %n %x {{template}} ${expression} $(whoami)',
  '=HYPERLINK("https://example.com","click")',
  'combining e\u0301 and Å vs A\u030a',
  'ＦＵＬＬＷＩＤＴＨ and ﷽',
  '',
  ' leading and trailing spaces ',
];

/** A long string of `length` UTF-16 units mixing ASCII with a few awkward characters. */
export function longString(rng: Prng, length: number): string {
  const chunk = `lorem ipsum <&> "quoted" ${rng.int(0, 9999)} é 🔐 `;
  return chunk.repeat(Math.ceil(length / chunk.length)).slice(0, length - 1) + '.';
}

export type JsonSpelling = 'plain' | 'go-html-escaped' | 'escaped-slashes' | 'ascii-only';

export const jsonSpellings: readonly JsonSpelling[] = [
  'plain',
  'go-html-escaped',
  'escaped-slashes',
  'ascii-only',
];

function unicodeEscape(unit: number): string {
  return '\\u' + unit.toString(16).padStart(4, '0');
}

/**
 * Re-spells JSON text without changing its value. Safe on whole documents because `<`, `>`, `&`,
 * `/` and non-ASCII characters can only occur inside strings.
 * - go-html-escaped: Go's encoding/json default (\u003c, \u003e, \u0026, \u2028, \u2029).
 * - escaped-slashes: "\/" as PHP and some Java encoders write it.
 * - ascii-only: every non-ASCII UTF-16 unit as \uXXXX (pairs stay pairs).
 */
export function respellJson(json: string, spelling: JsonSpelling): string {
  switch (spelling) {
    case 'plain':
      return json;
    case 'go-html-escaped':
      return json.replace(/[<>&\u2028\u2029]/g, (c) => unicodeEscape(c.charCodeAt(0)));
    case 'escaped-slashes':
      return json.replace(/\//g, '\\/');
    case 'ascii-only':
      return json.replace(/[\u007f-\uffff]/g, (c) => unicodeEscape(c.charCodeAt(0)));
  }
}

/** Number literals JavaScript cannot hold exactly (or at all as written). */
export const hostileNumberLiterals: readonly string[] = [
  '9007199254740993',
  '18446744073709551615',
  '-9223372036854775808',
  '123456789012345678901234567890',
  '1.5e+300',
  '-0',
  '1E2',
  '0.1000000000000000055511151231257827',
];

/** A future field the docs do not list yet, as a raw `"name":value` JSON member. */
export function unknownMembers(rng: Prng): string[] {
  const members = [`"future_counter":${rng.pick(hostileNumberLiterals)}`];
  if (rng.chance(0.5)) {
    members.push(
      `"future_details":{"flags":[true,false,null],"score":${rng.int(0, 100)}.5,"note":${JSON.stringify(rng.pick(hostileStrings))}}`,
    );
  }
  if (rng.chance(0.3)) members.push('"future_empty":{}');
  return members;
}

/** Appends raw members to a JSON object's text (`{…}` → `{…,m1,m2}`). */
export function appendMembers(objectJson: string, members: readonly string[]): string {
  if (members.length === 0) return objectJson;
  const body = objectJson.slice(0, -1);
  const separator = body.endsWith('{') ? '' : ',';
  return `${body}${separator}${members.join(',')}}`;
}
