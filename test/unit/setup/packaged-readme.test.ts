/** The README ships in the .spl: every relative link in it must resolve inside the package. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isShipped } from '../../../tools/build/allowlist';

const root = path.resolve(__dirname, '../../..');

/** Relative targets of Markdown links and images, without #anchors. */
function relativeLinks(markdown: string): string[] {
  const targets = [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '');
  return targets
    .filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith('#'))
    .map((t) => t.split('#')[0] ?? '');
}

describe('the packaged README', () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const links = relativeLinks(readme);

  it('links the admin docs and the setup page screenshots', () => {
    expect(links).toEqual(
      expect.arrayContaining(['docs/setup-page.md', 'docs/screenshots/accounts.png']),
    );
  });

  it.each(relativeLinks(readFileSync(path.join(root, 'README.md'), 'utf8')))(
    '%s exists and ships',
    (link) => {
      expect(existsSync(path.join(root, link))).toBe(true);
      expect(isShipped(link)).toBe(true);
    },
  );

  it('finds relative links and ignores web links and anchors', () => {
    expect(
      relativeLinks('[a](docs/x.md#y) ![b](docs/s.png) [c](https://x.example) [d](#top)'),
    ).toEqual(['docs/x.md', 'docs/s.png']);
  });
});
