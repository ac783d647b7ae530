/** Where a Splunk instance keeps the CA that signed splunkd's certificate. Pure apart from file reads. */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** sslRootCAPath from $SPLUNK_HOME/etc/system/local/server.conf, if set; then Splunk's default CA. */
export function splunkCaCandidates(splunkHome: string): string[] {
  const candidates: string[] = [];
  const serverConf = join(splunkHome, 'etc', 'system', 'local', 'server.conf');
  if (existsSync(serverConf)) {
    const configured = sslRootCaPathOf(readFileSync(serverConf, 'utf8'));
    if (configured) {
      const expanded = configured.replace(/\$SPLUNK_HOME/g, splunkHome);
      candidates.push(isAbsolute(expanded) ? expanded : join(splunkHome, expanded));
    }
  }
  candidates.push(join(splunkHome, 'etc', 'auth', 'cacert.pem'));
  return candidates;
}

/** Reads [sslConfig] sslRootCAPath from server.conf text. */
export function sslRootCaPathOf(confText: string): string | undefined {
  let inSsl = false;
  for (const line of confText.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed.startsWith('[')) inSsl = trimmed === '[sslConfig]';
    else if (inSsl) {
      const m = /^sslRootCAPath\s*=\s*(.+)$/.exec(trimmed);
      if (m?.[1]) return m[1].trim();
    }
  }
  return undefined;
}
