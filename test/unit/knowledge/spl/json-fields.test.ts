import { extractJsonFields } from './json-fields';

describe('KV_MODE = json extraction', () => {
  const raw = JSON.stringify({
    uuid: 'U1',
    client: { ip_address: '10.0.0.1', app_version: 81104003 },
    location: { latitude: 43.64 },
    flags: [true, false],
    list: [{ a: 1 }, { a: 2 }],
    details: null,
    empty: '',
  });

  it('names leaves by dotted path and arrays with {} as multivalue fields', () => {
    const fields = extractJsonFields(raw, { jsonNull: 'absent', emptyString: 'absent' });
    expect(Object.fromEntries(fields)).toEqual({
      uuid: 'U1',
      'client.ip_address': '10.0.0.1',
      'client.app_version': '81104003',
      'location.latitude': '43.64',
      'flags{}': ['true', 'false'],
      'list{}.a': ['1', '2'],
    });
  });

  it('keeps null and "" as text in literal mode', () => {
    const fields = extractJsonFields(raw, { jsonNull: 'literal', emptyString: 'literal' });
    expect(fields.get('details')).toBe('null');
    expect(fields.get('empty')).toBe('');
  });

  it('extracts nothing from text that is not a JSON object', () => {
    expect(extractJsonFields('not json', { jsonNull: 'absent', emptyString: 'absent' }).size).toBe(
      0,
    );
    expect(extractJsonFields('[1,2]', { jsonNull: 'absent', emptyString: 'absent' }).size).toBe(0);
  });
});
