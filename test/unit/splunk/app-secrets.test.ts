import { AddonError } from '../../../src/core/errors';
import { selectAppSecrets } from '../../../src/splunk/app-secrets';

const app = 'TA-1password-events';
const realm = 'TA-1password-events';

function entry(username: string, value: string, acl: { app?: string; owner?: string }, r = realm) {
  return {
    name: `${r}:${username.replace(/:/g, '\\:')}:`,
    acl,
    content: { realm: r, username, clear_password: value },
  };
}

describe('selectAppSecrets', () => {
  it("keeps the app's own entries by username", () => {
    const s = selectAppSecrets(
      { entry: [entry('account:acme', 'tok', { app, owner: 'nobody' })] },
      app,
      realm,
    );
    expect(s.get('account:acme')).toBe('tok');
    expect(s.get('account:other')).toBeUndefined();
    expect(s.foreign).toEqual([]);
  });

  it("ignores our realm's entries from other apps and names them without their values", () => {
    const s = selectAppSecrets(
      {
        entry: [
          entry('account:acme', 'mine', { app, owner: 'nobody' }),
          entry('account:acme', 'theirs-secret', { app: 'search', owner: 'mallory' }),
          entry('network:_global', 'proxy-secret', { app: 'search', owner: 'mallory' }),
          entry('network:_global', 'no-acl', {}),
        ],
      },
      app,
      realm,
    );
    expect(s.get('account:acme')).toBe('mine');
    expect(s.get('network:_global')).toBeUndefined();
    expect(s.foreign).toEqual([
      'account:acme (app search, owner mallory)',
      'network:_global (app search, owner mallory)',
      'network:_global (app ?, owner ?)',
    ]);
    expect(s.foreign.join(' ')).not.toMatch(/secret|no-acl/);
    expect(s.foreignOf(['account:acme', 'proxy:acme'])).toEqual([
      'account:acme (app search, owner mallory)',
    ]);
  });

  it('ignores other realms entirely, whatever app they are in', () => {
    const s = selectAppSecrets(
      { entry: [entry('account:acme', 'x', { app: 'search' }, 'other-realm')] },
      app,
      realm,
    );
    expect(s.get('account:acme')).toBeUndefined();
    expect(s.foreign).toEqual([]);
  });

  it('fails closed on two entries for one username inside the app, naming the owners', () => {
    const s = selectAppSecrets(
      {
        entry: [
          entry('account:acme', 'first', { app, owner: 'nobody' }),
          entry('account:acme', 'second', { app, owner: 'mallory' }),
          entry('network:acme', '{}', { app, owner: 'nobody' }),
        ],
      },
      app,
      realm,
    );
    expect(s.get('network:acme')).toBe('{}');
    let thrown: unknown;
    try {
      s.get('account:acme');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AddonError);
    expect((thrown as AddonError).errorClass).toBe('config');
    expect((thrown as AddonError).message).toMatch(
      /2 entries for account:acme in app TA-1password-events \(owners nobody, mallory\)/,
    );
    expect((thrown as AddonError).message).not.toMatch(/first|second/);
  });

  it('reads a listing without entries or of the wrong shape as empty', () => {
    for (const listing of [{}, { entry: 'x' }, null, 'text']) {
      expect(selectAppSecrets(listing, app, realm).get('account:acme')).toBeUndefined();
    }
  });
});
