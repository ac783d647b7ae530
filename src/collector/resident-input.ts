/**
 * The resident input (onepassword_events_resident, use_single_instance=true): splunkd starts one
 * process for every stanza and never schedules it, so this loop does. Each account runs on its own
 * timer (its `interval`, ± 10 %), and each tick is one account-run: the same four steps a per-run
 * process takes (run-input.ts), so the lease, exactly-once delivery, health and retries hold
 * unchanged. What the process adds is sharing: one runtime, one XML stream whose pages never
 * interleave, and no start-up cost per run. One account's failure ends only that account-run; the
 * next tick tries again. SIGTERM stops every run at an event boundary, then the stream is closed.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { residentSchemeName, schemeName } from '../core/app-identity';
import { describeError, errorClassOf } from '../core/errors';
import { FairPermits, residentPagesInFlight } from '../core/fair-permits';
import { RecentRead } from '../core/recent-read';
import { abortableSleep } from '../core/retry';
import { firstRunDelayMs, nextRunDelayMs } from '../core/run-schedule';
import type { InputConfig } from '../config/input-config';
import { EventStream } from '../delivery/event-output';
import { PageBuffers } from '../delivery/page-buffers';
import { DispatcherPool } from '../http/dispatcher-pool';
import type { InputDefinition } from '../splunk/input-definition';
import { readSecrets } from '../splunk/passwords';
import { SplunkdClient } from '../splunk/splunkd-client';
import { readGlobalLogging, type RunEnvironment } from './run-context';
import { collectingConfigs, runStanza } from './run-input';

/**
 * splunkd gives each kind its own checkpoint_dir (modinputs/<kind>). The resident kind keeps its
 * page journals (and, without a KV store, its file checkpoints) in the per-run kind's, so an input
 * moved between kinds under one name finds them where it left them. Pure.
 */
export function sharedCheckpointDir(dir: string): string {
  return path.basename(dir) === residentSchemeName ? path.join(path.dirname(dir), schemeName) : dir;
}

/** Runs until env.signal aborts or splunkd closes the stream; returns the process exit code. */
export async function runResidentDefinition(
  given: InputDefinition,
  env: RunEnvironment,
): Promise<number> {
  env.logger.addSecret(given.sessionKey);
  const definition = { ...given, checkpointDir: sharedCheckpointDir(given.checkpointDir) };
  if (definition.checkpointDir !== given.checkpointDir) {
    mkdirSync(definition.checkpointDir, { recursive: true });
  }
  const configs = collectingConfigs(definition, env);
  if (configs.length === 0) return 0;
  const stream = env.output instanceof EventStream ? env.output : new EventStream(env.output);
  // One splunkd client and the Events API dispatchers stay warm between runs: an idle run is
  // then a few requests on open connections, not new TLS contexts and handshakes.
  const splunkd = new SplunkdClient({
    serverUri: definition.serverUri,
    sessionKey: definition.sessionKey,
    splunkHome: env.splunkHome,
    logger: env.logger,
  });
  const dispatchers = new DispatcherPool(env.now);
  const secrets = new RecentRead(() => readSecrets(splunkd), env.now);
  const logging = new RecentRead(() => readGlobalLogging(splunkd), env.now);
  const shared: RunEnvironment = {
    ...env,
    output: stream,
    shared: {
      splunkd,
      dispatchers,
      secrets,
      logging,
      pagePermits: new FairPermits(residentPagesInFlight),
      pageBuffers: new PageBuffers(residentPagesInFlight),
    },
  };
  const shortest = Math.min(...configs.map((c) => c.intervalSeconds));
  env.logger.info('resident input started', {
    accounts: new Set(configs.map((c) => c.account)).size,
    inputs: configs.length,
  });
  await Promise.all(
    configs.map((config, i) =>
      accountLoop(definition, config, shared, stream, firstRunDelayMs(i, configs.length, shortest)),
    ),
  );
  await stream.close().catch(() => undefined);
  await Promise.all([splunkd.close().catch(() => undefined), dispatchers.closeAll()]);
  if (stream.broken) {
    env.logger.error('splunkd closed the event stream; the resident input stops');
    return 1;
  }
  env.logger.info('resident input stopped');
  return 0;
}

/** One stanza's runs, one after another, until the process stops. */
async function accountLoop(
  definition: InputDefinition,
  config: InputConfig,
  env: RunEnvironment,
  stream: EventStream,
  firstDelayMs: number,
): Promise<void> {
  let delay = firstDelayMs;
  for (;;) {
    if (!(await pause(delay, env.signal)) || stream.broken) return;
    const started = env.now();
    try {
      await runStanza(definition, config, env);
    } catch (error) {
      // runStanza reports its own failures; this is the net under it, so the loop never ends.
      env.logger.error(`run failed: ${describeError(error)}`, {
        input: config.name,
        account: config.account,
        class: errorClassOf(error),
      });
    }
    if (env.signal.aborted || stream.broken) return;
    delay = nextRunDelayMs(config.intervalSeconds, env.now() - started, env.random());
  }
}

/** Waits `ms`; false when the process is stopping. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (ms <= 0) return true;
  try {
    await abortableSleep(ms, signal);
    return true;
  } catch {
    return false;
  }
}
