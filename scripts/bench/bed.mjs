/**
 * One bench stand: the harness's testbed (the packaged linux-x86_64 .spl extracted into a temp
 * $SPLUNK_HOME, the splunkd stand-in, the Events API simulator on loopback) plus what every
 * scenario needs: simulator datasets, accounts bound to them, and runs of the packaged launcher.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { runMeasured } from './measure.mjs';

const require = createRequire(import.meta.url);

/** The bundled stand-ins written by `node build.mjs`. */
export function loadTools(root) {
  const dir = join(root, 'build', 'tools');
  try {
    return {
      harness: require(join(dir, 'harness.cjs')),
      sim: require(join(dir, 'events-api-sim.cjs')),
    };
  } catch (error) {
    throw new Error(
      `${dir} is missing or broken; run \`node build.mjs\` first (${error.message})`,
      {
        cause: error,
      },
    );
  }
}

/** Splits a backlog over the three feeds, as one account's three feeds hold it. */
export function splitCounts(total) {
  const third = Math.floor(total / 3);
  return { signinattempts: total - 2 * third, itemusages: third, auditevents: third };
}

/**
 * @param {object} tools from loadTools
 * @param {object} simulator extra simulator options (latencyMs, rateLimit…)
 */
export async function openBed(tools, simulator = {}) {
  const bed = await tools.harness.startTestbed({
    simulator: {
      seed: 'bench',
      counts: { signinattempts: 0, itemusages: 0, auditevents: 0 },
      maxRequestLog: 1000,
      ...simulator,
    },
  });
  const node = join(bed.appDir, 'bin', 'runtime', 'linux-x86_64', 'node');
  const script = join(bed.appDir, 'bin', 'app', 'onepassword_events.js');
  let accounts = 0;

  return {
    bed,
    node,
    script,
    /** A simulator account holding `total` events over the three feeds; returns its uuid. */
    dataset(total) {
      return bed.sim.addAccount({ counts: splitCounts(total) });
    },
    /** A splunkd-side account (token in storage/passwords) reading the given simulator account. */
    async account(accountUuid, prefix = 'acct') {
      const name = `${prefix}${++accounts}`;
      const token = bed.sim.issueToken(accountUuid === undefined ? {} : { accountUuid });
      await bed.addAccount({ name, token });
      return { name, token };
    },
    /** The <input> document splunkd would send for a stanza of this account. */
    inputXml(name, params = {}) {
      return bed.inputXml(name, { account: name, max_run_seconds: '3600', ...params });
    },
    /** Runs the packaged launcher with the account's stanza on stdin, measured. */
    run(name, params = {}, options = {}) {
      return runMeasured({
        command: bed.launcher,
        env: bed.env,
        cwd: bed.splunkHome,
        stdin: this.inputXml(name, params),
        StreamReader: tools.harness.StreamReader,
        exclusive: true,
        ...options,
      });
    },
    /** Checkpoint batch_save calls so far. */
    checkpointSaves() {
      return bed.splunkd.kv
        .calls()
        .filter((c) => c.path.includes('/onepassword_checkpoints/batch_save')).length;
    },
    kvCalls() {
      return bed.splunkd.kv.calls().length;
    },
    stop: () => bed.stop(),
  };
}
