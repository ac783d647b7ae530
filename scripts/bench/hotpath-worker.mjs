/**
 * The input's own hot path on the floor's data, run by the add-on's bundled Node: parsePage of
 * every page body the input received (the single validating pass), formatPage into splunkd's XML
 * and a write of it to stdout (a pipe drained by the bench's XML reader), honouring backpressure,
 * exactly as the floor writes. No HTTP, TLS, journal or checkpoints: what µs per event the
 * parse → XML → stdout path costs, to set beside the floor's JSON.parse + write.
 *
 * Usage: node hotpath-worker.mjs <hot-path bundle> <bodies file> <bodies index (JSON array of byte lengths)>
 * Prints {"pages":…,"items":…,"bytes":…,"loopCpuMs":…} on stderr.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

async function main() {
  const [bundlePath, bodiesPath, indexPath] = process.argv.slice(2);
  if (!bundlePath || !bodiesPath || !indexPath)
    throw new Error('usage: hotpath-worker.mjs <bundle> <bodies> <index>');
  const { parsePage, createEventFormatter, streamOpen, streamClose } = require(bundlePath);
  const bodies = readFileSync(bodiesPath);
  const lengths = JSON.parse(readFileSync(indexPath, 'utf8'));
  const formatter = createEventFormatter({
    stanza: 'onepassword_events://bench',
    index: 'main',
    sourcetype: '1password:insights:signin_attempts',
    source: 'onepassword_events://bench',
    host: 'bench',
  });

  const cpu = process.cpuUsage();
  let offset = 0;
  let items = 0;
  let bytes = 0;
  process.stdout.write(streamOpen);
  for (const length of lengths) {
    // A fresh Buffer per page, as each response body arrives in one.
    const body = Buffer.from(bodies.subarray(offset, offset + length));
    offset += length;
    const page = parsePage(body);
    items += page.items.length;
    const { buffer } = formatter.formatPage(page.bytes, page.items);
    bytes += buffer.length;
    // The formatter reuses its buffer for the next page: wait until this one is written.
    if (!process.stdout.write(buffer)) await once(process.stdout, 'drain');
    await new Promise((resolve) => process.stdout.write('', resolve));
  }
  process.stdout.write(streamClose);
  await new Promise((resolve) => process.stdout.write('', resolve));
  const used = process.cpuUsage(cpu);
  process.stderr.write(
    `${JSON.stringify({ pages: lengths.length, items, bytes, loopCpuMs: (used.user + used.system) / 1000 })}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`FATAL hot path: ${error && error.message}\n`);
  process.exitCode = 1;
});
