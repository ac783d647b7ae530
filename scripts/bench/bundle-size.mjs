/**
 * Scenario 5: what ships. Sizes of the input script, the setup page bundle and each .spl, and
 * which packages make up the script (esbuild's metafile of the same bundle the build makes).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);

function fileSize(path) {
  const bytes = readFileSync(path);
  return { bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
}

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name));
}

/**
 * The input bundle's bytes per package or source folder, from esbuild's metafile: the one
 * `node build.mjs` wrote beside the stage (the exact bundle, with undici's left-out parts), or a
 * rebuild of src/main.ts for a build dir from before it wrote one.
 */
async function scriptComposition(root, nodeVersion) {
  const written = join(root, 'build', 'input-bundle.meta.json');
  const metafile = existsSync(written)
    ? JSON.parse(readFileSync(written, 'utf8'))
    : (await rebuild(root, nodeVersion)).metafile;
  return composition(metafile);
}

async function rebuild(root, nodeVersion) {
  const { build } = require('esbuild');
  return build({
    entryPoints: [join(root, 'src', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${nodeVersion.split('.')[0]}`,
    minify: true,
    write: false,
    metafile: true,
    outfile: 'onepassword_events.js',
    define: { __PINNED_NODE_VERSION__: JSON.stringify(nodeVersion) },
    logLevel: 'silent',
  });
}

function composition(metafile) {
  const output = Object.values(metafile.outputs)[0];
  const groups = new Map();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const lib = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    // The stand-ins for undici's left-out modules (tools/build/undici-trim.ts) count as undici.
    const key = lib
      ? lib[1]
      : input.startsWith('undici-left-out:')
        ? 'undici'
        : input.replace(/^.*?src\//, 'src/').replace(/\/[^/]+$/, '/');
    groups.set(key, (groups.get(key) ?? 0) + bytesInOutput);
  }
  return {
    bytes: output.bytes,
    byPart: [...groups]
      .sort((a, b) => b[1] - a[1])
      .map(([part, bytes]) => ({ part, bytes, share: bytes / output.bytes })),
  };
}

export async function measureBundle({ root, nodeVersion }) {
  const stage = join(root, 'build', 'stage', 'TA-1password-events');
  const script = join(stage, 'bin', 'app', 'onepassword_events.js');
  if (!existsSync(script)) throw new Error(`${script} is missing; run node build.mjs first`);
  const setupFiles = filesUnder(join(stage, 'appserver', 'static', 'setup'));
  const setup = setupFiles.map((f) => ({ file: relative(stage, f), ...fileSize(f) }));
  const dist = join(root, 'dist');
  const spls = existsSync(dist)
    ? readdirSync(dist)
        .filter((n) => n.endsWith('.spl'))
        .sort()
        .map((n) => ({ file: n, bytes: statSync(join(dist, n)).size }))
    : [];
  return {
    script: { file: 'bin/app/onepassword_events.js', ...fileSize(script) },
    scriptComposition: await scriptComposition(root, nodeVersion),
    setupPage: {
      files: setup,
      bytes: setup.reduce((a, f) => a + f.bytes, 0),
      gzipBytes: setup.reduce((a, f) => a + f.gzipBytes, 0),
    },
    spl: spls,
  };
}
