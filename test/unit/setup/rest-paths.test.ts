import { credentialName } from '../../support/splunkd-standin';
import {
  accountSecretUser,
  confEndpoint,
  inputEndpoint,
  isProbeStanza,
  kvDataEndpoint,
  probeStanzaName,
  proxySecretUser,
  secretEntityEndpoint,
  secretEntityName,
} from '../../../src/setup/rest-paths';

describe('storage/passwords names', () => {
  it('escapes the colon inside our user names as splunkd does', () => {
    expect(secretEntityName('account:acme')).toBe('TA-1password-events:account\\:acme:');
    expect(secretEntityName('proxy:_global')).toBe('TA-1password-events:proxy\\:_global:');
    // Same rule as the splunkd stand-in (both follow splunk-sdk-python's test_create_with_colons).
    expect(secretEntityName('a:b:c', 'r:x')).toBe(credentialName('r:x', 'a:b:c'));
  });

  it('URL-encodes the entity name as one path segment', () => {
    expect(secretEntityEndpoint(accountSecretUser('acme'))).toBe(
      'storage/passwords/TA-1password-events%3Aaccount%5C%3Aacme%3A',
    );
  });

  it('names the account and proxy secrets per the contract', () => {
    expect(accountSecretUser('acme')).toBe('account:acme');
    expect(proxySecretUser('acme')).toBe('proxy:acme');
    expect(proxySecretUser(undefined)).toBe('proxy:_global');
  });
});

describe('other endpoints', () => {
  it('probe stanzas are recognisable', () => {
    expect(probeStanzaName('acme')).toBe('__check__acme');
    expect(isProbeStanza('__check__acme')).toBe(true);
    expect(isProbeStanza('acme')).toBe(false);
  });

  it('encodes stanza names and KV keys', () => {
    expect(inputEndpoint('a b')).toBe('data/inputs/onepassword_events/a%20b');
    expect(confEndpoint('macros', 'onepassword_index')).toBe(
      'configs/conf-macros/onepassword_index',
    );
    expect(confEndpoint('onepassword_accounts')).toBe('configs/conf-onepassword_accounts');
    expect(kvDataEndpoint('onepassword_account_status', 'acme/../x')).toBe(
      'storage/collections/data/onepassword_account_status/acme%2F..%2Fx',
    );
  });
});
