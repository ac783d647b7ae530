/**
 * Run mode: one invocation collects every feed of the stanza's account until caught up or out of
 * time, then exits; splunkd schedules the next run by `interval`. A run is four steps, each in its
 * own module: open (run-context), hold the lease (hold-lease), collect the feeds (collect-feeds),
 * finish (finish-run). One RunStop carries every reason to stop.
 */
import { isConnectionCheckStanza } from '../core/contracts';
import { describeError, errorClassOf, exitCodeFor } from '../core/errors';
import { parseInputConfig, type InputConfig } from '../config/input-config';
import { EventOutput } from '../delivery/event-output';
import type { InputDefinition } from '../splunk/input-definition';
import { missingScopes, scopeError, type AccountSession } from './account-session';
import { collectFeeds, loadBudget } from './collect-feeds';
import { finishRun } from './finish-run';
import { writeHealth, type FeedOutcome } from './health';
import { holdLease, type HeldAccount } from './hold-lease';
import {
  failedOutcomes,
  healthContext,
  openRun,
  startSession,
  type RunContext,
  type RunEnvironment,
} from './run-context';
import { RunStop } from './run-stop';

export type { RunEnvironment } from './run-context';

/** Returns the process exit code. */
export async function runInputDefinition(
  definition: InputDefinition,
  env: RunEnvironment,
): Promise<number> {
  env.logger.addSecret(definition.sessionKey);
  let exitCode = 0;
  for (const config of collectingConfigs(definition, env)) {
    exitCode = Math.max(exitCode, await runStanza(definition, config, env));
  }
  return exitCode;
}

/**
 * The stanzas that collect, parsed; connection checks, disabled stanzas and stanzas with errors
 * are logged and left out (one bad stanza never stops the others).
 */
export function collectingConfigs(
  definition: InputDefinition,
  env: Pick<RunEnvironment, 'logger' | 'now'>,
): InputConfig[] {
  if (definition.stanzas.length === 0) {
    env.logger.info('no enabled onepassword_events stanza was given; nothing to do');
    return [];
  }
  const configs: InputConfig[] = [];
  for (const stanza of definition.stanzas) {
    if (isConnectionCheckStanza(stanza.name)) {
      env.logger.warn(
        "this stanza is the setup page's connection check and never collects; disable or delete it",
        { input: stanza.name },
      );
      continue;
    }
    let config: InputConfig;
    try {
      config = parseInputConfig(
        stanza.name,
        stanza.params,
        definition.serverHost,
        new Date(env.now()),
      );
    } catch (error) {
      env.logger.error(describeError(error), { input: stanza.name, class: errorClassOf(error) });
      continue;
    }
    if (config.disabled) {
      env.logger.info('input is disabled; nothing to do', { input: config.name });
      continue;
    }
    configs.push(config);
  }
  return configs;
}

/** One account-run: the four steps for one stanza. Returns its exit code. */
export async function runStanza(
  definition: InputDefinition,
  config: InputConfig,
  env: RunEnvironment,
): Promise<number> {
  const run = await openRun(definition, config, env);
  try {
    const session = await startSession(run);
    if (!session) return 0;
    try {
      return await collectAccount(run, session);
    } finally {
      await session.client.close().catch(() => undefined);
    }
  } finally {
    // A shared client belongs to the resident input, which closes it when it stops.
    if (!run.env.shared) await run.splunkd.close().catch(() => undefined);
  }
}

/** Steps 2–4 for an account whose session is open. */
async function collectAccount(run: RunContext, session: AccountSession): Promise<number> {
  const { refused, wanted } = checkScopes(run, session);
  const stop = new RunStop(run.env.signal, run.deadline, run.env.now);
  const output = new EventOutput(run.env.output, () => stop.shouldStop());
  stop.watch(() => (output.broken ? 'closed stream' : undefined));
  let held: HeldAccount | undefined;
  let finished = false;
  let outcomes: FeedOutcome[] = [...refused];
  try {
    held = await holdLease(run, stop);
    if (!held) return 0;
    const budget = await loadBudget(run, held.store);
    const collection = { run, session, held, output, stop, budget };
    const results = await collectFeeds(collection, wanted);
    await output.close();
    finished = true;
    return await finishRun({ ...collection, refused }, results);
  } catch (error) {
    await output.close().catch(() => undefined);
    run.logger.error(`run failed: ${describeError(error)}`, { class: errorClassOf(error) });
    outcomes = [...refused, ...failedOutcomes(wanted, error)];
    return exitCodeFor([error]);
  } finally {
    held?.guard?.close();
    stop.release();
    if (!finished) await writeHealth(run.kv, outcomes, healthContext(run, session), run.logger);
  }
}

/** Feeds the token may read, and an error outcome for each it may not (logged once). */
function checkScopes(
  run: RunContext,
  session: AccountSession,
): { refused: FeedOutcome[]; wanted: InputConfig['feeds'] } {
  const missing = missingScopes(run.config.feeds, session.claims.features);
  const wanted = run.config.feeds.filter((f) => !missing.includes(f));
  if (missing.length === 0) return { refused: [], wanted };
  const error = scopeError(missing);
  run.logger.error(describeError(error), { class: 'token' });
  return { refused: failedOutcomes(missing, error), wanted };
}
