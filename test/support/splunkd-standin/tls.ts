/**
 * A throwaway CA and server certificate made with the `openssl` CLI at start. `localhost` mode gives a
 * certificate valid for localhost/127.0.0.1; `splunk-default` mimics a default Splunk install, whose
 * server certificate is named SplunkServerDefaultCert (no match for 127.0.0.1) but chains to the CA.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** P-256 keys: generated in milliseconds, unlike RSA; the key type is not part of splunkd's REST contract. */
const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];

export type CertificateMode = 'localhost' | 'splunk-default';

export interface TlsMaterial {
  readonly dir: string;
  readonly caPath: string;
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

async function openssl(cwd: string, args: readonly string[]): Promise<void> {
  await run('openssl', [...args], { cwd });
}

export async function makeTlsMaterial(mode: CertificateMode): Promise<TlsMaterial> {
  const dir = await mkdtemp(path.join(tmpdir(), 'splunkd-standin-tls-'));
  await openssl(dir, [
    'req',
    '-x509',
    ...ecKey,
    '-nodes',
    '-sha256',
    '-days',
    '2',
    '-keyout',
    'ca.key',
    '-out',
    'cacert.pem',
    '-subj',
    '/O=splunkd-standin/CN=splunkd-standin test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const subject =
    mode === 'localhost'
      ? '/O=splunkd-standin/CN=localhost'
      : '/O=SplunkUser/CN=SplunkServerDefaultCert';
  const san = mode === 'localhost' ? 'DNS:localhost,IP:127.0.0.1' : 'DNS:SplunkServerDefaultCert';
  await openssl(dir, [
    'req',
    ...ecKey,
    '-nodes',
    '-sha256',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    subject,
  ]);
  await writeFile(
    path.join(dir, 'server.ext'),
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${san}`,
      '',
    ].join('\n'),
  );
  await openssl(dir, [
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'cacert.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-sha256',
    '-days',
    '2',
    '-extfile',
    'server.ext',
    '-out',
    'server.pem',
  ]);
  const [caPem, certPem, keyPem] = await Promise.all(
    ['cacert.pem', 'server.pem', 'server.key'].map((f) => readFile(path.join(dir, f), 'utf8')),
  );
  return {
    dir,
    caPath: path.join(dir, 'cacert.pem'),
    caPem: caPem ?? '',
    certPem: certPem ?? '',
    keyPem: keyPem ?? '',
  };
}
