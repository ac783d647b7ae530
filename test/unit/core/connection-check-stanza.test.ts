import { isConnectionCheckStanza } from '../../../src/core/contracts';

describe('isConnectionCheckStanza', () => {
  it.each([
    ['onepassword_events://__check__acme', true],
    ['__check__acme', true],
    ['onepassword_events://__check__', true],
    ['onepassword_events://acme', false],
    ['onepassword_events://acme__check__', false],
    ['onepassword_events://_check_acme', false],
    ['acme', false],
  ])('%s → %s', (name, expected) => {
    expect(isConnectionCheckStanza(name)).toBe(expected);
  });
});
