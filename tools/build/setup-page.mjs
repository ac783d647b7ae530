// Bundles the setup page (src/setup/index.tsx) for the browser: one minified IIFE with React and
// the Splunk UI toolkit inside, written to <stage>/appserver/static/setup/setup.js where the setup
// view (script="setup/setup.js") loads it. A project step of tools/build/build.ts; also
// importable on its own (the browser tests build into a temporary stage). No top-level side effects.
import { build } from 'esbuild';
import path from 'node:path';

/** Where the bundle lands, relative to the staged app folder. */
export const setupBundlePath = 'appserver/static/setup/setup.js';

/** Splunk Web's supported browsers (current Chrome, Edge, Firefox, Safari). */
const browserTargets = ['chrome109', 'edge109', 'firefox115', 'safari16'];

/**
 * @param {{ root: string, stageDir: string, check?: boolean }} ctx
 */
export async function buildSetupPage(ctx) {
  const outfile = path.join(ctx.stageDir, setupBundlePath);
  try {
    await build({
      entryPoints: [path.join(ctx.root, 'src', 'setup', 'index.tsx')],
      outfile,
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: browserTargets,
      minify: true,
      jsx: 'automatic',
      legalComments: 'eof',
      logLevel: 'silent',
      define: {
        'process.env.NODE_ENV': '"production"',
        // Splunk Web loads dashboard scripts with RequireJS. A bundled library that finds a global
        // AMD `define` would register an anonymous module and trip "Mismatched anonymous define()";
        // hiding `define` keeps every library on its CommonJS path inside the bundle.
        define: 'undefined',
      },
    });
  } catch (error) {
    const first = error?.errors?.[0];
    const where = first?.location ? `${first.location.file}:${first.location.line}: ` : '';
    throw new Error(`setup page bundle failed: ${where}${first?.text ?? error?.message}`, {
      cause: error,
    });
  }
}
