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

const dataSpecials = /[&<>]/;
const dataSpecialsGlobal = /[&<>]/g;

function jsonEscape(char: string): string {
  return '\\u' + char.charCodeAt(0).toString(16).padStart(4, '0');
}

/**
 * Escapes raw JSON for a `<data>` element. Characters XML cannot carry can only occur inside JSON
 * strings, so they become JSON `\uXXXX` escapes: lossless, and JSON.parse gives the original value.
 */
export function escapeJsonForXml(json: string): string {
  let text = json;
  if (notXmlChar.test(text)) text = text.replace(notXmlCharGlobal, jsonEscape);
  return dataSpecials.test(text)
    ? text.replace(dataSpecialsGlobal, (c) => replacements[c] ?? c)
    : text;
}
