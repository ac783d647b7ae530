/**
 * The throughput floor, run by the add-on's bundled Node: the least any collector must do with
 * the same data. It JSON.parses every page body the input received and writes the same output
 * bytes the input wrote, page by page, to stdout (a pipe drained by the bench's XML reader),
 * honouring backpressure. No fetch, no validation, no escaping, no checkpoints.
 *
 * Usage: node floor-worker.mjs <bodies file> <bodies index (JSON array of byte lengths)> <output file>
 * Prints {"pages":…,"items":…,"bytes":…,"loopCpuMs":…} on stderr.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';

async function main() {
  const [bodiesPath, indexPath, outputPath] = process.argv.slice(2);
  if (!bodiesPath || !indexPath || !outputPath)
    throw new Error('usage: floor-worker.mjs <bodies> <index> <output>');
  const bodies = readFileSync(bodiesPath);
  const lengths = JSON.parse(readFileSync(indexPath, 'utf8'));
  const output = readFileSync(outputPath);
  const pages = lengths.length;
  // Cut the output into as many pieces as there are pages, each ending at an event boundary.
  const cuts = [];
  for (let p = 1; p < pages; p++) {
    const at = output.indexOf(10, Math.floor((output.length * p) / pages));
    cuts.push(at === -1 ? output.length : at + 1);
  }
  cuts.push(output.length);

  const cpu = process.cpuUsage();
  let offset = 0;
  let start = 0;
  let items = 0;
  for (let p = 0; p < pages; p++) {
    const body = bodies.toString('utf8', offset, offset + lengths[p]);
    offset += lengths[p];
    items += JSON.parse(body).items.length;
    const end = Math.max(start, cuts[p]);
    if (!process.stdout.write(output.subarray(start, end))) await once(process.stdout, 'drain');
    start = end;
  }
  await new Promise((resolve) => process.stdout.write('', resolve));
  const used = process.cpuUsage(cpu);
  process.stderr.write(
    `${JSON.stringify({ pages, items, bytes: output.length, loopCpuMs: (used.user + used.system) / 1000 })}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`FATAL floor: ${error && error.message}\n`);
  process.exitCode = 1;
});
