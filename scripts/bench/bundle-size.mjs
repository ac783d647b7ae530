/**
 * Scenario 5: what ships. Sizes of the input scripts, the setup page bundle and each .spl, and
 * which packages make up each script (esbuild's metafile of the bundles the build made).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

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
 * Bytes per package or source folder of each input script, from the esbuild metafile that
 * `node build.mjs` wrote beside the stage.
 */
function scriptComposition(root) {
  const written = join(root, 'build', 'input-bundle.meta.json');
  if (!existsSync(written)) throw new Error(`${written} is missing; run node build.mjs first`);
  const { outputs } = JSON.parse(readFileSync(written, 'utf8'));
  return Object.fromEntries(
    Object.entries(outputs).map(([file, output]) => [basename(file), composition(output)]),
  );
}

function composition(output) {
  const groups = new Map();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const lib = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const key = lib ? lib[1] : input.replace(/^.*?src\//, 'src/').replace(/\/[^/]+$/, '/');
    groups.set(key, (groups.get(key) ?? 0) + bytesInOutput);
  }
  return {
    bytes: output.bytes,
    byPart: [...groups]
      .sort((a, b) => b[1] - a[1])
      .map(([part, bytes]) => ({ part, bytes, share: bytes / output.bytes })),
  };
}

export async function measureBundle({ root }) {
  const stage = join(root, 'build', 'stage', 'TA-1password-events');
  const script = join(stage, 'bin', 'app', 'onepassword_events.js');
  const runScript = join(stage, 'bin', 'app', 'onepassword_events_run.js');
  for (const file of [script, runScript])
    if (!existsSync(file)) throw new Error(`${file} is missing; run node build.mjs first`);
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
    runScript: { file: 'bin/app/onepassword_events_run.js', ...fileSize(runScript) },
    scriptComposition: scriptComposition(root),
    setupPage: {
      files: setup,
      bytes: setup.reduce((a, f) => a + f.bytes, 0),
      gzipBytes: setup.reduce((a, f) => a + f.gzipBytes, 0),
    },
    spl: spls,
  };
}
