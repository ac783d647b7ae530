import { build, type Metafile } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inputBundleOptions } from '../../../tools/build/bundle';
import {
  inputBundleBudgetBytes,
  inputBundleProblems,
  leftOutUndiciModules,
} from '../../../tools/build/undici-trim';

const root = path.resolve(__dirname, '../../..');

describe('the input bundle without the unreachable parts of undici', () => {
  let metafile: Metafile;
  let text: string;
  const dir = mkdtempSync(path.join(tmpdir(), 'undici-trim-'));

  beforeAll(async () => {
    const result = await build({
      ...inputBundleOptions(root, path.join(dir, 'onepassword_events.js'), '24.21.0'),
      write: false,
      logLevel: 'silent',
    });
    metafile = result.metafile;
    text = result.outputFiles[0]?.text ?? '';
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes the build check: stand-ins in, left-out modules out, within budget', () => {
    expect(inputBundleProblems(metafile)).toEqual([]);
    const inputs = Object.keys(metafile.inputs);
    for (const left of leftOutUndiciModules)
      expect(inputs.filter((p) => p.endsWith(left.module))).toEqual([
        `undici-left-out:${left.module}`,
      ]);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(inputBundleBudgetBytes);
  });

  it('leaves out what only the left-out modules pull in (webidl, fetch, socks5)', () => {
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.filter((p) => /undici\/lib\/(web|cache|mock|interceptor)\//.test(p))).toEqual([]);
    expect(inputs.filter((p) => /socks5/.test(p))).toEqual([
      'undici-left-out:lib/dispatcher/socks5-proxy-agent.js',
    ]);
  });

  it('keeps the SIMD parser, the HTTP/1.1 client, ProxyAgent and the connect API', () => {
    const inputs = Object.keys(metafile.inputs);
    for (const kept of [
      'node_modules/undici/lib/llhttp/llhttp_simd-wasm.js',
      'node_modules/undici/lib/dispatcher/client-h1.js',
      'node_modules/undici/lib/dispatcher/proxy-agent.js',
      'node_modules/undici/lib/api/api-connect.js',
    ])
      expect(inputs).toContain(kept);
  });

  it('never takes the jest-only parser path, even when spawned with a jest environment', () => {
    expect(text).not.toContain('JEST_WORKER_ID');
  });
});

describe('inputBundleProblems', () => {
  const output = (bytes: number): Metafile['outputs'] => ({
    'out.js': { bytes, inputs: {}, imports: [], exports: [], entryPoint: 'src/main.ts' },
  });
  const input = { bytes: 1, imports: [] };
  const standIns = Object.fromEntries(
    leftOutUndiciModules.map((m) => [`undici-left-out:${m.module}`, input]),
  );

  it('reports a left-out module that is bundled after all', () => {
    const problems = inputBundleProblems({
      inputs: {
        ...standIns,
        'node_modules/undici/lib/core/util.js': input,
        'node_modules/undici/lib/dispatcher/client-h2.js': input,
      },
      outputs: output(1000),
    });
    expect(problems).toEqual([
      "undici's lib/dispatcher/client-h2.js is in the bundle although it is left out",
    ]);
  });

  it('reports a stand-in that is missing (the plugin did not apply)', () => {
    const rest = Object.fromEntries(
      Object.entries(standIns).filter(([p]) => p !== 'undici-left-out:lib/web/fetch/body.js'),
    );
    rest['node_modules/undici/lib/core/util.js'] = input;
    expect(inputBundleProblems({ inputs: rest, outputs: output(1000) })).toEqual([
      "the stand-in for undici's lib/web/fetch/body.js is not in the bundle",
    ]);
  });

  it('checks only the budget of a bundle without undici', () => {
    expect(inputBundleProblems({ inputs: { 'src/main.ts': input }, outputs: output(10) })).toEqual(
      [],
    );
  });

  it('reports a bundle over its budget', () => {
    expect(inputBundleProblems({ inputs: standIns, outputs: output(2001) }, 2000)).toEqual([
      'the bundle is 2001 bytes, over its budget of 2000 bytes (issue #7)',
    ]);
    expect(inputBundleProblems({ inputs: standIns, outputs: output(2000) }, 2000)).toEqual([]);
  });
});

describe('the stand-ins', () => {
  /** Loads a stand-in as CommonJS and calls what undici would call. */
  function exercise(module: string): unknown {
    const standIn = leftOutUndiciModules.find((m) => m.module === module)?.standIn ?? '';
    const mod = { exports: {} as unknown };
    new Function('module', 'exports', standIn)(mod, mod.exports);
    const exported = mod.exports as Record<string, unknown> & ((...a: unknown[]) => unknown);
    if (module.endsWith('client-h2.js')) return exported();
    if (module.endsWith('body.js')) return (exported['extractBody'] as () => unknown)();
    if (module.endsWith('socks5-proxy-agent.js'))
      return new (exported as unknown as new () => unknown)();
    return exported;
  }

  it.each(leftOutUndiciModules.map((m) => m.module))(
    '%s fails with a message that names what is missing',
    (module) => {
      expect(() => exercise(module)).toThrow(/is left out of this build of the add-on/);
    },
  );

  it('only the non-SIMD parser throws as soon as it is required (undici requires it lazily)', () => {
    const eager = leftOutUndiciModules.filter((m) => {
      try {
        new Function('module', 'exports', m.standIn)({ exports: {} }, {});
        return false;
      } catch {
        return true;
      }
    });
    expect(eager.map((m) => m.module)).toEqual(['lib/llhttp/llhttp-wasm.js']);
  });
});
