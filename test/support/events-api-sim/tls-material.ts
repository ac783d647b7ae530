/**
 * A throwaway CA and a server certificate signed by it, made with the `openssl` CLI (Debian ships
 * it) so clients can keep TLS verification on and trust just this CA.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface TlsMaterial {
  readonly caCertPem: string;
  /** Present when the CA was generated here or handed in; lets a later simulator reuse the CA. */
  readonly caKeyPem: string | undefined;
  readonly certPem: string;
  readonly keyPem: string;
}

/** What a caller may hand in: a CA to sign a fresh server certificate, or a complete set. */
export type TlsInput =
  | { readonly caCertPem: string; readonly caKeyPem: string }
  | { readonly caCertPem: string; readonly certPem: string; readonly keyPem: string };

async function openssl(args: readonly string[], cwd: string): Promise<void> {
  await execFileAsync('openssl', [...args], { cwd });
}

function subjectAltName(names: readonly string[]): string {
  return names.map((name) => (isIP(name) !== 0 ? `IP:${name}` : `DNS:${name}`)).join(',');
}

/**
 * Writes ca.pem (and the keys) into `dir` and returns the PEM texts. `names` go into the server
 * certificate's subjectAltName.
 */
export async function createTlsMaterial(
  dir: string,
  names: readonly string[],
  input: TlsInput | undefined,
): Promise<TlsMaterial> {
  if (input !== undefined && 'certPem' in input) {
    await writeFile(path.join(dir, 'ca.pem'), input.caCertPem);
    return { caKeyPem: undefined, ...input };
  }
  if (input === undefined) {
    await openssl(
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'ca.key',
        '-out',
        'ca.pem',
        '-days',
        '3650',
        '-subj',
        '/O=TA-1password-events tests/CN=Events API simulator CA',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      dir,
    );
  } else {
    await writeFile(path.join(dir, 'ca.pem'), input.caCertPem);
    await writeFile(path.join(dir, 'ca.key'), input.caKeyPem, { mode: 0o600 });
  }
  await openssl(
    [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      `/CN=${names[0] ?? 'localhost'}`,
    ],
    dir,
  );
  await writeFile(
    path.join(dir, 'server.ext'),
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${subjectAltName(names)}`,
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid',
      '',
    ].join('\n'),
  );
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-set_serial',
      `0x${randomBytes(12).toString('hex')}`,
      '-days',
      '825',
      '-out',
      'server.pem',
      '-extfile',
      'server.ext',
    ],
    dir,
  );
  const [caCertPem, caKeyPem, certPem, keyPem] = await Promise.all(
    ['ca.pem', 'ca.key', 'server.pem', 'server.key'].map((f) =>
      readFile(path.join(dir, f), 'utf8'),
    ),
  );
  return {
    caCertPem: caCertPem ?? '',
    caKeyPem: caKeyPem ?? '',
    certPem: certPem ?? '',
    keyPem: keyPem ?? '',
  };
}
