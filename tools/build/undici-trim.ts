import path from 'node:path';
import type { Metafile, Plugin } from 'esbuild';
import { BuildError } from './errors';

/**
 * Parts of undici that the modular input can never reach, left out of its bundle. Each is
 * `require`d by a module the input does use, so it cannot simply be tree-shaken: the plugin
 * resolves it to a small stand-in that fails loudly if the impossible happens. Why each one is
 * unreachable:
 *
 * - llhttp-wasm.js: the non-SIMD build of llhttp. undici loads it only when the SIMD build does
 *   not compile (never on x86-64/arm64 Node 24) or when UNDICI_NO_WASM_SIMD=1; 72 KB of base64.
 * - client-h2.js: the HTTP/2 client. It runs only when TLS negotiates `h2`, which undici offers
 *   in ALPN only with `allowH2: true`; the input never sets it.
 * - web/fetch/body.js: fetch's body mixins, with webidl, FormData and the data: URL parser.
 *   The HTTP/1.1 client loads it only to send a FormData body; the input sends strings.
 * - socks5-proxy-agent.js: ProxyAgent builds it only for socks:// and socks5:// proxies; the
 *   proxy URL check (src/config/proxy-url.ts) admits http:// and https:// only.
 */
export interface LeftOutModule {
  /** Path inside the undici package. */
  readonly module: string;
  /** CommonJS source of the stand-in. */
  readonly standIn: string;
}

const failure = (what: string): string =>
  JSON.stringify(
    `${what} is left out of this build of the add-on (see tools/build/undici-trim.ts); ` +
      'please report this with the log line that preceded it',
  );

export const leftOutUndiciModules: readonly LeftOutModule[] = [
  {
    module: 'lib/llhttp/llhttp-wasm.js',
    standIn: `throw new Error(${failure(
      "undici's non-SIMD HTTP parser (used when WebAssembly SIMD is unavailable or UNDICI_NO_WASM_SIMD=1)",
    )});`,
  },
  {
    module: 'lib/dispatcher/client-h2.js',
    standIn: `module.exports = function connectH2() { throw new Error(${failure("undici's HTTP/2 client")}); };`,
  },
  {
    module: 'lib/web/fetch/body.js',
    standIn: `module.exports = { extractBody() { throw new Error(${failure("undici's FormData request bodies")}); } };`,
  },
  {
    module: 'lib/dispatcher/socks5-proxy-agent.js',
    standIn: `module.exports = class Socks5ProxyAgent { constructor() { throw new Error(${failure("undici's SOCKS5 proxy support")}); } };`,
  },
];

/** Upper bound for the minified input bundle (bytes); the issue #7 target is 300 KB. */
export const inputBundleBudgetBytes = 300 * 1024;

const namespace = 'undici-left-out';

/**
 * Resolves the left-out modules to their stand-ins. Matches by resolved path, so it catches
 * every relative spelling (`./client-h2.js`, `../dispatcher/client-h2`) and nothing outside
 * the given undici folder.
 */
export function undiciTrimPlugin(undiciDir: string): Plugin {
  const byPath = new Map(
    leftOutUndiciModules.map((m) => [path.join(undiciDir, m.module), m] as const),
  );
  return {
    name: 'undici-trim',
    setup(build) {
      build.onResolve({ filter: /\.\/|^undici\// }, (args) => {
        const base = args.path.startsWith('undici/')
          ? path.join(undiciDir, args.path.slice('undici/'.length))
          : path.resolve(args.resolveDir, args.path);
        const hit = byPath.get(base) ?? byPath.get(`${base}.js`);
        return hit ? { path: hit.module, namespace } : undefined;
      });
      build.onLoad({ filter: /.*/, namespace }, (args) => {
        const hit = leftOutUndiciModules.find((m) => m.module === args.path);
        return hit ? { contents: hit.standIn, loader: 'js' } : undefined;
      });
    },
  };
}

/**
 * What `checkInputBundle` found wrong; empty when the bundle is fine. Pure, over esbuild's
 * metafile: every left-out module must be absent (only its stand-in present), and the output must
 * stay within the budget.
 */
export function inputBundleProblems(
  metafile: Metafile,
  budgetBytes: number = inputBundleBudgetBytes,
): string[] {
  const problems: string[] = [];
  const inputs = Object.keys(metafile.inputs).map((p) => p.split(path.sep).join('/'));
  // A project that does not bundle undici at all (the build's own tests) has nothing to trim.
  const bundlesUndici = inputs.some((p) => p.includes('node_modules/undici/'));
  for (const left of bundlesUndici ? leftOutUndiciModules : []) {
    if (inputs.some((p) => p.endsWith(`undici/${left.module}`)))
      problems.push(`undici's ${left.module} is in the bundle although it is left out`);
    if (!inputs.includes(`${namespace}:${left.module}`))
      problems.push(`the stand-in for undici's ${left.module} is not in the bundle`);
  }
  const outputs = Object.values(metafile.outputs);
  if (outputs.length !== 1) problems.push(`expected one output file, got ${outputs.length}`);
  for (const output of outputs) {
    if (output.bytes > budgetBytes)
      problems.push(
        `the bundle is ${output.bytes} bytes, over its budget of ${budgetBytes} bytes (issue #7)`,
      );
  }
  return problems;
}

export function checkInputBundle(metafile: Metafile): void {
  const problems = inputBundleProblems(metafile);
  if (problems.length > 0) throw new BuildError(`input bundle: ${problems.join('; ')}`);
}
