/** Security review item 2: a token cut short (describeError's 500 characters) still never prints. */
import { AddonError, describeError } from '../../../src/core/errors';
import { createLogger } from '../../../src/log/logger';

const token = `eyJhbGciOiJFUzI1NiJ9.${'eyJhdWQiOiJjYW5hcnkifQ'.repeat(30)}.${'c2lnbmF0dXJl'.repeat(20)}`;

describe('logger and describeError mask the token and its pieces', () => {
  const lines: string[] = [];
  const logger = createLogger((line) => lines.push(line));
  logger.addSecret(token);

  it('masks a token that a 500-character cut left incomplete', () => {
    const error = new AddonError('server', `host answered 500: authorization=Bearer ${token}`);
    const described = describeError(error);
    expect(described.length).toBeLessThanOrEqual(500);
    expect(described).toBe('host answered 500: authorization=Bearer [REDACTED]');
    logger.error(`feed failed: ${`x`.repeat(400)} ${token}`.slice(0, 480));
    expect(lines.at(-1)).toMatch(/^ERROR feed failed: x+ \[REDACTED\]\n$/);
  });

  it('masks a middle piece of the token in a log field', () => {
    logger.warn('retrying', { reason: token.slice(100, 140) });
    expect(lines.at(-1)).toBe('WARN retrying reason=[REDACTED]\n');
  });
});
