// Draws the app icons in static/ (node tools/build/make-icons.mjs). Run by hand when the design
// changes; the PNGs are committed. A key on a rounded square, drawn from shapes with 4x4
// supersampling and written as RGBA PNG with node:zlib, so no image tools are needed.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const staticDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'static');

const blue = [5, 114, 236];
const white = [255, 255, 255];

/** Shapes in unit coordinates (0..1, y down). */
function insideRoundedSquare(x, y) {
  const radius = 0.2;
  const dx = Math.max(Math.abs(x - 0.5) - (0.5 - radius), 0);
  const dy = Math.max(Math.abs(y - 0.5) - (0.5 - radius), 0);
  return dx * dx + dy * dy <= radius * radius;
}

function insideKey(x, y) {
  const headX = 0.33;
  const headY = 0.5;
  const head = (x - headX) ** 2 + (y - headY) ** 2;
  if (head <= 0.17 ** 2 && head >= 0.07 ** 2) return true;
  const shaft = x >= 0.48 && x <= 0.84 && y >= 0.455 && y <= 0.545;
  const tooth1 = x >= 0.64 && x <= 0.7 && y >= 0.545 && y <= 0.66;
  const tooth2 = x >= 0.75 && x <= 0.84 && y >= 0.545 && y <= 0.7;
  return shaft || tooth1 || tooth2;
}

/** Colour of one sample: [r, g, b, a]. */
function sample(variant, x, y) {
  if (variant === 'standard') {
    if (!insideRoundedSquare(x, y)) return [0, 0, 0, 0];
    return insideKey(x, y) ? [...white, 255] : [...blue, 255];
  }
  // Alt: for dark backgrounds (Splunk's app bar), a white key without a tile.
  return insideKey(x, y) ? [...white, 255] : [0, 0, 0, 0];
}

function render(variant, size) {
  const samples = 4;
  const rows = [];
  for (let py = 0; py < size; py += 1) {
    const row = Buffer.alloc(1 + size * 4);
    row[0] = 0; // filter: none
    for (let px = 0; px < size; px += 1) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy += 1) {
        for (let sx = 0; sx < samples; sx += 1) {
          const [r, g, b, a] = sample(
            variant,
            (px + (sx + 0.5) / samples) / size,
            (py + (sy + 0.5) / samples) / size,
          );
          // Premultiplied accumulation so edges blend towards the shape colour, not black.
          sum[0] += r * a;
          sum[1] += g * a;
          sum[2] += b * a;
          sum[3] += a;
        }
      }
      const alpha = sum[3] / (samples * samples);
      const offset = 1 + px * 4;
      for (let channel = 0; channel < 3; channel += 1) {
        row[offset + channel] = sum[3] === 0 ? 0 : Math.round(sum[channel] / sum[3]);
      }
      row[offset + 3] = Math.round(alpha);
    }
    rows.push(row);
  }
  return Buffer.concat(rows);
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(size, pixels) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const icons = [
  ['appIcon.png', 'standard', 36],
  ['appIcon_2x.png', 'standard', 72],
  ['appIconAlt.png', 'alt', 36],
  ['appIconAlt_2x.png', 'alt', 72],
];
for (const [name, variant, size] of icons) {
  writeFileSync(path.join(staticDir, name), png(size, render(variant, size)));
  console.log(`INFO wrote static/${name} (${size}x${size})`);
}
