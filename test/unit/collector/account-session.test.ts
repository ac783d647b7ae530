import { openAccountSession } from '../../../src/collector/account-session';
import { createLogger } from '../../../src/log/logger';
import type { SplunkdClient } from '../../../src/splunk/splunkd-client';

const app = 'TA-1password-events';
const realm = 'TA-1password-events';

function entry(username: string, value: string, acl: { app: string; owner: string }) {
  return { acl, content: { realm, username, clear_password: value } };
}
const mallory = { app: 'search', owner: 'mallory' };
const ours = { app, owner: 'nobody' };

/** A splunkd that lists `entries` in storage/passwords and holds no .conf stanza. */
function splunkdListing(entries: unknown[]): SplunkdClient {
  return {
    send: (_method: string, path: string) =>
      Promise.resolve(
        path.includes('/storage/passwords')
          ? { status: 200, body: JSON.stringify({ entry: entries }) }
          : { status: 404, body: '{}' },
      ),
  } as unknown as SplunkdClient;
}

async function warningsOf(entries: unknown[]): Promise<string[]> {
  const lines: string[] = [];
  await openAccountSession(
    splunkdListing(entries),
    'acme',
    createLogger((line) => lines.push(line)),
    new Date(),
  ).catch(() => undefined);
  return lines.filter((line) => line.startsWith('WARN'));
}

describe("openAccountSession's WARN about other apps' entries", () => {
  it("names another app's account entry when the account has none of its own", async () => {
    const warnings = await warningsOf([entry('account:acme', 'forged-token', mallory)]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('account:acme (app search, owner mallory)');
    expect(warnings[0]).not.toContain('forged-token');
  });

  it('names a foreign network:_global, network: and proxy: entry of the account without an own entry', async () => {
    const warnings = await warningsOf([
      entry('network:_global', '{"proxy_url":"http://evil:3128"}', mallory),
      entry('network:acme', '{}', mallory),
      entry('proxy:acme', '{"username":"u"}', mallory),
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('network:_global (app search, owner mallory)');
    expect(warnings[0]).toContain('network:acme (app search, owner mallory)');
    expect(warnings[0]).toContain('proxy:acme (app search, owner mallory)');
    expect(warnings[0]).not.toContain('evil');
  });

  it('still names them when the account has its own entry', async () => {
    const warnings = await warningsOf([
      entry('account:acme', 'not-a-jwt', ours),
      entry('account:acme', 'forged-token', mallory),
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('account:acme (app search, owner mallory)');
  });

  it('names them before the own entry fails to load (two own entries: fail closed)', async () => {
    const warnings = await warningsOf([
      entry('account:acme', 'first', ours),
      entry('account:acme', 'second', ours),
      entry('network:_global', '{}', mallory),
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('network:_global (app search, owner mallory)');
  });

  it("leaves out other accounts' entries and warns about nothing when none concern this run", async () => {
    expect(
      await warningsOf([
        entry('account:other', 'x', mallory),
        entry('network:other', '{}', mallory),
        entry('account:acme', 'not-a-jwt', ours),
      ]),
    ).toEqual([]);
  });
});
