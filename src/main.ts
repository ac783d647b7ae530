/**
 * Entry point splunkd runs (through bin/onepassword_events): `--scheme`, `--validate-arguments`,
 * or run mode with the input definition on stdin.
 */
import { describeError } from './core/errors';
import { processSecrets } from './core/secret-mask';
import { createLogger, type Logger } from './log/logger';
import { routeNodeWarnings } from './log/node-warnings';
import type { InputKind } from './core/app-identity';
import { renderScheme } from './splunk/scheme';
import { escapeXmlText } from './splunk/xml-text';

/**
 * Run and validation code is a second script beside this one (src/run-modes.ts, bundled as
 * onepassword_events_run.js): --scheme must not pay for reading and compiling undici, zod and saxes.
 */
function loadRunModes(): typeof import('./run-modes') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./onepassword_events_run.js') as typeof import('./run-modes');
}

function readStdin(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks)));
    process.stdin.on('error', reject);
  });
}

function writeStdout(text: string): Promise<void> {
  return new Promise((resolve) => process.stdout.write(text, () => resolve()));
}

/** The bundle is built for one Node version; a different one means a broken install. */
function checkRuntime(logger: Logger): boolean {
  const pinned = typeof __PINNED_NODE_VERSION__ === 'string' ? __PINNED_NODE_VERSION__ : undefined;
  if (pinned !== undefined && process.versions.node !== pinned) {
    logger.fatal(
      `this add-on needs its bundled Node.js ${pinned} but runs on ${process.versions.node}; reinstall the .spl built for this platform`,
    );
    return false;
  }
  return true;
}

/** Which kind splunkd started: bin/onepassword_events_resident names itself in the environment. */
function runModelOf(env: NodeJS.ProcessEnv): InputKind {
  return env['ONEPASSWORD_EVENTS_KIND'] === 'resident' ? 'resident' : 'per-run';
}

/**
 * A resident input outlives no splunkd: if splunkd dies without a SIGTERM, this process is
 * re-parented, and it stops as on SIGTERM. (On Windows, launcher/parent-watch.js does this.)
 */
function stopWhenOrphaned(stop: () => void): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      stop();
    }
  }, 2000);
  timer.unref();
}

async function main(argv: readonly string[]): Promise<number> {
  const logger = createLogger((line) => process.stderr.write(line));
  routeNodeWarnings(logger);
  if (!checkRuntime(logger)) return 1;
  const mode = argv[0];
  const model = runModelOf(process.env);
  if (mode === '--scheme') {
    await writeStdout(renderScheme(model));
    return 0;
  }
  const splunkHome = process.env['SPLUNK_HOME'];
  if (mode === '--validate-arguments') {
    const { validateDefinition, parseValidationDefinition } = loadRunModes();
    let message: string;
    try {
      const outcome = await validateDefinition(parseValidationDefinition(await readStdin()), {
        logger,
        splunkHome,
        now: Date.now,
      });
      if (outcome.ok) return 0;
      message = outcome.message;
    } catch (error) {
      message = describeError(error);
    }
    // Returned to the browser by splunkd: masked like every other text that leaves the process.
    await writeStdout(
      `<error><message>${escapeXmlText(processSecrets.mask(message))}</message></error>`,
    );
    return 1;
  }
  if (mode !== undefined) {
    logger.error(
      `unknown argument ${mode.slice(0, 40)}; expected --scheme, --validate-arguments or none`,
    );
    return 2;
  }
  const controller = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info(`received ${signal}; finishing the event in flight and stopping`);
      controller.abort();
    });
  }
  const { runInputDefinition, runResidentDefinition, stdoutTarget, parseInputDefinition } =
    loadRunModes();
  const definition = parseInputDefinition(await readStdin());
  if (model === 'resident') {
    stopWhenOrphaned(() => {
      logger.warn('splunkd is gone (this process was re-parented); stopping');
      controller.abort();
    });
  }
  const run = model === 'resident' ? runResidentDefinition : runInputDefinition;
  return run(definition, {
    logger,
    output: stdoutTarget(),
    splunkHome,
    now: Date.now,
    random: Math.random,
    signal: controller.signal,
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`FATAL ${describeError(error)}\n`);
    process.exitCode = 1;
  },
);
