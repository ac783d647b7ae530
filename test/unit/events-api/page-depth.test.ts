/**
 * Security review item 4, second half: an item nested far deeper than any event (80 MB of brackets
 * took 4 GB and 30 s of CPU) is refused by the page scan at the first bracket past its depth limit.
 */
import { AddonError } from '../../../src/core/errors';
import { parsePage } from '../../../src/events-api/page';

function pageWithNestedItem(depth: number): string {
  const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const item = `{"uuid":"N1","timestamp":"2026-01-01T00:00:00Z","x":${nested}}`;
  return `{"cursor":"c1","has_more":false,"items":[${item}]}`;
}

describe('parsePage and deeply nested items', () => {
  it('accepts an item nested as deep as real events get', () => {
    expect(parsePage(pageWithNestedItem(8)).items.length).toBe(1);
  });

  it('refuses an item nested 100,000 levels deep as a protocol error', () => {
    let error: unknown;
    try {
      parsePage(pageWithNestedItem(100_000));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AddonError);
    expect((error as AddonError).errorClass).toBe('protocol');
    expect((error as AddonError).message).toMatch(/nest/i);
  });
});
