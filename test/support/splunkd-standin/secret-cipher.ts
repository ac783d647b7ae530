/**
 * Encrypts stored secrets the way splunkd shows them at rest: a `$7$` prefix and opaque base64, keyed by
 * a per-instance secret (splunk.secret's role). Only so canary scans see no cleartext; not Splunk's format.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export class SecretCipher {
  private readonly key = randomBytes(32);

  encrypt(clear: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(clear, 'utf8'), cipher.final()]);
    return `$7$${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  decrypt(stored: string): string {
    if (!stored.startsWith('$7$')) throw new Error('not a $7$ value');
    const raw = Buffer.from(stored.slice(3), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}
