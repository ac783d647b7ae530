/**
 * The one mask every text leaving the process passes (log lines, KV documents, validation output):
 * it removes each known secret and any piece of one that is 12 or more characters long, so a
 * message cut short in the middle of a token (or an endpoint echoing part of it) still leaks
 * nothing that identifies the token. Shorter pieces are too common to mask without mangling text.
 */
export const minSecretPiece = 12;
export const redacted = '[REDACTED]';

/** Secrets shorter than this are masked only where they appear whole (see Logger.addSecret). */
const minSecretLength = 8;

/** `text` with every secret, and every piece of a secret of 12+ characters, replaced. Pure. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < minSecretLength) continue;
    out =
      secret.length < minSecretPiece ? out.split(secret).join(redacted) : maskPieces(out, secret);
  }
  return out;
}

/** Replaces every maximal run of `text` that is a 12+ character substring of `secret`. */
function maskPieces(text: string, secret: string): string {
  const grams = new Set<string>();
  for (let i = 0; i + minSecretPiece <= secret.length; i++)
    grams.add(secret.slice(i, i + minSecretPiece));
  let out = '';
  let copied = 0;
  let i = 0;
  while (i + minSecretPiece <= text.length) {
    if (!grams.has(text.slice(i, i + minSecretPiece))) {
      i++;
      continue;
    }
    let end = i + minSecretPiece;
    while (end < text.length && secret.includes(text.slice(i, end + 1))) end++;
    out += text.slice(copied, i) + redacted;
    copied = end;
    i = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * A set of secrets and an index of their 12-character pieces, built once per secret: a text is
 * then checked with one lookup per position, whatever the number of secrets (a resident input
 * knows every account's token and masks every line and KV document with them).
 */
export class SecretMask {
  private readonly secrets: string[] = [];
  /** Secrets of 8 to 11 characters, masked where they appear whole. */
  private readonly short: string[] = [];
  /** Every 12-character piece of a longer secret → the secrets that hold it. */
  private readonly pieces = new Map<string, string[]>();

  add(secret: string): void {
    if (secret.length < minSecretLength || this.secrets.includes(secret)) return;
    this.secrets.push(secret);
    if (secret.length < minSecretPiece) {
      this.short.push(secret);
      return;
    }
    for (let i = 0; i + minSecretPiece <= secret.length; i++) {
      const piece = secret.slice(i, i + minSecretPiece);
      const holders = this.pieces.get(piece);
      if (!holders) this.pieces.set(piece, [secret]);
      else if (!holders.includes(secret)) holders.push(secret);
    }
  }

  /** Same result as maskSecrets(text, every secret added). */
  mask(text: string): string {
    if (this.secrets.length === 0) return text;
    let out = this.short.length === 0 ? text : maskSecrets(text, this.short);
    const found = new Set<string>();
    for (let i = 0; i + minSecretPiece <= out.length; i++) {
      for (const secret of this.pieces.get(out.slice(i, i + minSecretPiece)) ?? [])
        found.add(secret);
    }
    if (found.size > 0) out = maskSecrets(out, [...found]);
    return out;
  }
}

/** Filled by Logger.addSecret; read by describeError and every sink that is not a log line. */
export const processSecrets = new SecretMask();
