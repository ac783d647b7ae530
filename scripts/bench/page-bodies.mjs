/**
 * Fetches every page of one simulator account's three feeds, as the input requests them (1000
 * items a page from the same start), and stores the raw bodies for the floor: one file of bodies
 * back to back and a JSON index of their byte lengths.
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Agent, request } = require('undici');

const feeds = ['signinattempts', 'itemusages', 'auditevents'];

/** Returns {pages, items, bytes}. */
export async function savePageBodies({ url, caPem, token, startTime, bodiesPath, indexPath }) {
  const dispatcher = new Agent({ connect: { ca: caPem } });
  const fd = openSync(bodiesPath, 'w');
  const lengths = [];
  let items = 0;
  try {
    for (const feed of feeds) {
      let body = { limit: 1000, start_time: startTime };
      for (let guard = 0; guard < 100_000; guard++) {
        const response = await request(`${url}/api/v2/${feed}`, {
          method: 'POST',
          dispatcher,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const bytes = Buffer.from(await response.body.arrayBuffer());
        if (response.statusCode !== 200)
          throw new Error(`${feed}: HTTP ${response.statusCode} ${bytes.toString().slice(0, 200)}`);
        const page = JSON.parse(bytes.toString('utf8'));
        writeSync(fd, bytes);
        lengths.push(bytes.length);
        items += page.items.length;
        if (!page.has_more) break;
        body = { cursor: page.cursor };
      }
    }
  } finally {
    closeSync(fd);
    await dispatcher.close();
  }
  writeFileSync(indexPath, JSON.stringify(lengths));
  return { pages: lengths.length, items, bytes: lengths.reduce((a, b) => a + b, 0) };
}
