/**
 * Where the input's CPU goes. Bundles src/main.ts exactly as the build does but without
 * minification (same code, readable names; esbuild marks each module with a `// path` comment),
 * runs it under the bundled Node with --cpu-prof on a backfill, and attributes every sample to
 * the first frame of our bundle on its stack (the module that caused the work) and to the leaf
 * (what actually ran: JSON.parse shows up as its caller's self time, RegExp and Buffer
 * internals by name).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runMeasured } from './measure.mjs';

const require = createRequire(import.meta.url);

/**
 * Builds the readable twins of the input scripts into `outDir`: main.ts and its sibling
 * run-modes.ts, which main requires from beside itself (tools/build/bundle.ts).
 * @returns the path of each: `{ main, run }`
 */
export async function buildReadableBundle(entry, outDir, nodeVersion) {
  const { build } = require('esbuild');
  await build({
    entryPoints: [
      { in: entry, out: 'onepassword_events' },
      { in: join(dirname(entry), 'run-modes.ts'), out: 'onepassword_events_run' },
    ],
    outdir: outDir,
    external: ['./onepassword_events_run.js'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${nodeVersion.split('.')[0]}`,
    minify: false,
    sourcemap: false,
    define: { __PINNED_NODE_VERSION__: JSON.stringify(nodeVersion) },
    logLevel: 'silent',
  });
  return {
    main: join(outDir, 'onepassword_events.js'),
    run: join(outDir, 'onepassword_events_run.js'),
  };
}

/** Line → module map of an unminified esbuild bundle (its `// src/…` comments). */
function moduleMap(bundleText) {
  const starts = [];
  const lines = bundleText.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^\/\/ (\S+\.(?:ts|tsx|js|mjs|cjs|json))$/.exec(lines[i]);
    if (match) starts.push([i, match[1].replace(/^.*?(?=node_modules\/)|^(?:\.\.\/)+/, '')]);
  }
  return (line) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found = '(bundle prologue)';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid][0] <= line) {
        found = starts[mid][1];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}

/** Groups a module path: our own files by name, libraries by package. */
function groupOf(module) {
  const lib = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(module);
  return lib ? lib[1] : module.replace(/^.*?src[^/]*\//, 'src/');
}

/** Reads a .cpuprofile and attributes self time. */
export function attributeProfile(profilePath, bundlePath) {
  const profile = JSON.parse(readFileSync(profilePath, 'utf8'));
  const moduleOf = moduleMap(readFileSync(bundlePath, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + delta);
    total += delta;
  }
  const inBundle = (n) => n.callFrame.url.endsWith(bundlePath.split('/').pop());
  const byOwner = new Map();
  const byLeaf = new Map();
  const byFunction = new Map();
  const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);
  for (const [id, us] of selfUs) {
    const leaf = nodes.get(id);
    const name = leaf.callFrame.functionName || '(anonymous)';
    let owner;
    if (['(idle)', '(garbage collector)', '(program)', '(root)'].includes(name)) owner = name;
    else {
      for (let x = id; x !== undefined; x = parent.get(x)) {
        const frame = nodes.get(x);
        if (frame && inBundle(frame)) {
          owner = groupOf(moduleOf(frame.callFrame.lineNumber));
          break;
        }
      }
      owner ??= `node internals`;
    }
    const leafLabel = inBundle(leaf)
      ? `${name} (${groupOf(moduleOf(leaf.callFrame.lineNumber))})`
      : `${name} [${leaf.callFrame.url.replace(/^node:/, '') || 'native'}]`;
    add(byOwner, owner, us);
    add(byLeaf, `${owner} › ${leafLabel}`, us);
    add(byFunction, leafLabel, us);
  }
  const rows = (map, limit) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([key, us]) => ({ key, ms: Math.round(us / 1000), share: us / total }));
  return {
    sampledMs: Math.round(total / 1000),
    byModule: rows(byOwner, 25),
    byModuleAndLeaf: rows(byLeaf, 40),
    byFunction: rows(byFunction, 30),
  };
}

/**
 * Profiles one backfill of `events` events (a fresh account on a fresh dataset of the stand).
 * `entry` is src/main.ts (or a scratch copy's, to measure a change before proposing it).
 * @returns the attribution plus the run's own figures
 */
export async function profileBackfill(
  stand,
  { entry, nodeVersion, events, workDir, StreamReader },
) {
  // A folder of its own: the packaged scripts beside it stay the minified ones.
  const readable = await buildReadableBundle(
    entry,
    join(stand.bed.appDir, 'bin', 'app', 'readable'),
    nodeVersion,
  );
  const dir = join(workDir, 'cpu-profile');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const uuid = stand.dataset(events);
  const account = await stand.account(uuid, 'profile');
  const run = await runMeasured({
    command: stand.node,
    args: ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '250', readable.main],
    env: stand.bed.env,
    cwd: stand.bed.splunkHome,
    stdin: stand.inputXml(account.name),
    StreamReader,
    exclusive: true,
  });
  const file = readdirSync(dir).find((n) => n.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no CPU profile was written (exit ${run.exitCode})`);
  return {
    events: run.events,
    cpuMs: run.cpuMs,
    cpuUsPerEvent: (run.cpuMs * 1000) / Math.max(1, run.events),
    wallMs: Math.round(run.wallMs),
    profile: join(dir, file),
    // A run's work is all in the run script; main.ts only dispatches to it.
    ...attributeProfile(join(dir, file), readable.run),
  };
}
