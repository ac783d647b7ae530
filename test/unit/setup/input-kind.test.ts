import { residentSchemeName, schemeName } from '../../../src/core/app-identity';
import {
  defaultInputKind,
  inputKey,
  kindScheme,
  listInputEntries,
} from '../../../src/setup/input-kind';
import { inputEndpoint, inputsEndpoint, inputsEndpointOf } from '../../../src/setup/rest-paths';

describe('input kinds', () => {
  it('maps each kind to the scheme the app registers; a new input is per-run', () => {
    expect(kindScheme).toEqual({ 'per-run': schemeName, resident: residentSchemeName });
    expect(defaultInputKind).toBe('per-run');
  });

  it('each kind has its own data/inputs endpoint; the connection check stays per-run', () => {
    expect(inputsEndpointOf('resident')).toBe('data/inputs/onepassword_events_resident');
    expect(inputEndpoint('a b', 'resident')).toBe('data/inputs/onepassword_events_resident/a%20b');
    expect(inputEndpoint('acme')).toBe('data/inputs/onepassword_events/acme');
    expect(inputsEndpoint).toBe('data/inputs/onepassword_events');
  });

  it('lists both kinds in one table by name, a name in both kinds twice', () => {
    const listed = listInputEntries({
      'per-run': [
        { name: 'globex', content: {} },
        { name: 'acme', content: {} },
      ],
      resident: [
        { name: 'initech', content: { interval: '60' } },
        { name: 'acme', content: {} },
      ],
    });
    expect(listed.map((i) => inputKey(i))).toEqual([
      'per-run:acme',
      'resident:acme',
      'per-run:globex',
      'resident:initech',
    ]);
    expect(listed[3]).toEqual({ name: 'initech', content: { interval: '60' }, kind: 'resident' });
  });
});
