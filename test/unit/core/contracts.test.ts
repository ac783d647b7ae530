import {
  accountNamePattern,
  accountSecretName,
  checkStanzaPrefix,
  inputNameOf,
  isSplunkTrue,
  retentionMs,
} from '../../../src/core/contracts';
import {
  budgetSchema,
  checkpointSchema,
  documentKind,
  parseStored,
} from '../../../src/core/kv-documents';

describe('shared contracts', () => {
  it('reads booleans the way Splunk does', () => {
    for (const yes of ['1', 'true', 'T', 'yes', 'Y', 'on', ' ON ', true, 1])
      expect(isSplunkTrue(yes)).toBe(true);
    for (const no of [
      '0',
      'false',
      'f',
      'no',
      'n',
      'off',
      '',
      'enabled',
      undefined,
      null,
      0,
      false,
    ])
      expect(isSplunkTrue(no)).toBe(false);
  });

  it('names inputs, secrets and check stanzas one way', () => {
    expect(inputNameOf('onepassword_events://acme')).toBe('acme');
    expect(inputNameOf('acme')).toBe('acme');
    expect(accountSecretName('acme')).toBe('account:acme');
    expect(inputNameOf(`onepassword_events://${checkStanzaPrefix}acme`)).toBe('__check__acme');
    expect(accountNamePattern.test('acme-prod.1')).toBe(true);
    expect(accountNamePattern.test('../etc')).toBe(false);
    expect(accountNamePattern.test('a'.repeat(65))).toBe(false);
    expect(retentionMs).toBe(120 * 86_400_000);
  });
});

describe('KV documents typed at the boundary', () => {
  const checkpoint = {
    _key: 'acme__auditevents',
    account: 'acme',
    feed: 'auditevents',
    input: 'acme',
    cursor: 'c1',
    last_event_time: 1,
    recent_uuids: '',
    events_total: 1,
    pages_total: 1,
    updated_at: 1,
    generation: 0,
    schema_version: 1,
  };

  it('keeps a valid document and drops fields the KV store adds', () => {
    expect(parseStored(checkpointSchema, { ...checkpoint, _user: 'nobody' }, 'x')).toEqual(
      checkpoint,
    );
  });

  it('reports a document that fails its schema as corrupt, naming the field', () => {
    expect(() =>
      parseStored(checkpointSchema, { ...checkpoint, feed: 'budget' }, 'checkpoint k'),
    ).toThrow(/^checkpoint k is corrupt \(feed: /);
    expect(() => parseStored(budgetSchema, { _key: 'acme__budget' }, 'rate budget k')).toThrow(
      expect.objectContaining({ errorClass: 'checkpoint' }),
    );
  });

  it('tells the three kinds of the checkpoints collection apart', () => {
    expect(documentKind({ _key: 'a__lease_g0000000001', kind: 'lease' })).toBe('lease');
    expect(documentKind({ _key: 'a__budget', feed: 'budget' })).toBe('budget');
    expect(documentKind(checkpoint)).toBe('checkpoint');
  });
});
