/** 1Password-style identifiers: 26 base32 characters (e.g. 56YE2TYN2VFYRLNSHKPW5NVT5E). Pure. */
import type { Prng } from './prng';

const upperAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const lowerAlphabet = upperAlphabet.toLowerCase();

/**
 * A 26-character base32 id. The real service writes vault, item and device ids in lower case and
 * the others in upper case (events-api.md §1.6 "Quirks").
 */
export function opUuid(rng: Prng, lowerCase = false): string {
  const alphabet = lowerCase ? lowerAlphabet : upperAlphabet;
  // Char codes, then one fromCharCode: a flat string (appending char by char builds a deep rope
  // that costs more to flatten later than to build).
  const codes = new Array<number>(26);
  let filled = 0;
  while (filled < 26) {
    let word = rng.next();
    // Six 5-bit characters per 32-bit word.
    for (let i = 0; i < 6 && filled < 26; i += 1) {
      codes[filled] = alphabet.charCodeAt(word & 31);
      filled += 1;
      word >>>= 5;
    }
  }
  return String.fromCharCode(...codes);
}

/** An IPv4 address under a /16 prefix such as "13.227.". */
export function ipv4(rng: Prng, prefix: string): string {
  return `${prefix}${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

/** A documentation-range IPv6 address (2001:db8::/32). */
export function ipv6(rng: Prng): string {
  const group = (): string => rng.int(0, 0xffff).toString(16);
  return `2001:db8:${group()}:${group()}::${group()}`;
}
