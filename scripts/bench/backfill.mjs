/**
 * Scenario 2: backfill efficiency against the documented ceiling.
 *
 * The simulator answers after 100–300 ms and enforces 600 requests/minute and 30,000/hour per
 * token with 429s. One account's three feeds backfill a backlog larger than the runs can drain,
 * in two consecutive runs, as splunkd would schedule them: the first starts with an empty rate
 * budget (a free burst of the first minute's allowance), the second starts where the first left
 * off, with the budget history the first run saved in the KV store. The sustained rate is read
 * over both runs in whole minutes, as a long backfill made of many runs would see it.
 */
import { assertCleanRun } from './measure.mjs';

export const ceilingPerMinute = 600;
export const itemsPerPage = 1000;

/** Feed requests the simulator logged between two instants, by minute since `from`. */
function requestsBetween(sim, from, to) {
  const records = sim.requests.filter(
    (r) => r.feed !== undefined && r.at >= from && r.at <= to && r.method === 'POST',
  );
  const perMinute = [];
  for (const r of records) {
    const minute = Math.floor((r.at - from) / 60_000);
    perMinute[minute] = (perMinute[minute] ?? 0) + 1;
  }
  return {
    total: records.length,
    ok: records.filter((r) => r.status === 200).length,
    rateLimited: records.filter((r) => r.status === 429).length,
    items: records.reduce((a, r) => a + (r.itemCount ?? 0), 0),
    perMinute: Array.from(perMinute, (n) => n ?? 0),
  };
}

/**
 * The sustained rate over both runs as one timeline from the first run's start: requests per
 * complete minute (a long backfill is held to at most the budget in every 60 s window, so whole
 * minutes are the honest unit; a run's own duration can straddle two windows' allowances), and
 * the most requests any sliding 60 s window saw (what the server's limiter counts).
 */
function sustainedRate(sim, from, to) {
  const records = sim.requests.filter(
    (r) => r.feed !== undefined && r.at >= from && r.at <= to && r.method === 'POST',
  );
  const completeMinutes = Math.floor((to - from) / 60_000);
  const requests = new Array(completeMinutes).fill(0);
  const items = new Array(completeMinutes).fill(0);
  for (const r of records) {
    const minute = Math.floor((r.at - from) / 60_000);
    if (minute >= completeMinutes) continue;
    requests[minute]++;
    items[minute] += r.itemCount ?? 0;
  }
  const times = records.map((r) => r.at).sort((a, b) => a - b);
  let maxInWindow = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[j] <= times[i] - 60_000) j++;
    maxInWindow = Math.max(maxInWindow, i - j + 1);
  }
  const mean = (values) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  // Shorter than a minute (--quick): the rate over the span, which a first-minute burst inflates.
  const spanMinutes = (to - from) / 60_000;
  const perMinute = completeMinutes > 0 ? mean(requests) : records.length / spanMinutes;
  const eventsPerSecond =
    completeMinutes > 0
      ? mean(items) / 60
      : records.reduce((a, r) => a + (r.itemCount ?? 0), 0) / (spanMinutes * 60);
  return {
    completeMinutes,
    wholeMinutes: completeMinutes > 0,
    requestsByMinute: requests,
    requestsPerMinute: Math.round(perMinute * 10) / 10,
    fractionOfRequestCeiling: perMinute / ceilingPerMinute,
    eventsPerSecond: Math.round(eventsPerSecond),
    fractionOfEventCeiling: eventsPerSecond / ((ceilingPerMinute * itemsPerPage) / 60),
    maxRequestsInAny60s: maxInWindow,
  };
}

function describeRun(label, run, seen, seconds) {
  const minutes = run.wallMs / 60_000;
  const requestsPerMinute = seen.total / minutes;
  const eventsPerSecond = run.events / (run.wallMs / 1000);
  return {
    label,
    maxRunSeconds: seconds,
    wallMs: Math.round(run.wallMs),
    events: run.events,
    requests: seen.total,
    requestsPerMinute: Math.round(requestsPerMinute * 10) / 10,
    requestsPerMinuteByMinute: seen.perMinute,
    fractionOfRequestCeiling: requestsPerMinute / ceilingPerMinute,
    eventsPerSecond: Math.round(eventsPerSecond),
    fractionOfEventCeiling: eventsPerSecond / ((ceilingPerMinute * itemsPerPage) / 60),
    http429: seen.rateLimited,
    cpuMs: run.cpuMs,
    cpuUsPerEvent: run.events > 0 ? (run.cpuMs * 1000) / run.events : undefined,
    peakRssMb: run.peakRssKb / 1024,
  };
}

/**
 * @param {object} stand from openBed with latency and the documented rate limits
 * @param {{backlog: number, warmupSeconds: number, measuredSeconds: number, log: Function}} options
 */
export async function measureBackfill(stand, options) {
  const uuid = stand.dataset(options.backlog);
  const account = await stand.account(uuid, 'backfill');
  const sim = stand.bed.sim;
  const limited0 = sim.stats.rateLimited;

  const warmStart = Date.now();
  const warm = await stand.run(account.name, {
    max_run_seconds: String(options.warmupSeconds),
  });
  const warmEnd = Date.now();
  assertCleanRun('backfill, first run', warm);
  options.log(
    `  first run: ${warm.events} events in ${(warm.wallMs / 1000).toFixed(1)} s; second run follows`,
  );
  const mainStart = Date.now();
  const main = await stand.run(account.name, {
    max_run_seconds: String(options.measuredSeconds),
  });
  const mainEnd = Date.now();
  assertCleanRun('backfill, second run', main);

  const first = describeRun(
    'first run (empty budget)',
    warm,
    requestsBetween(sim, warmStart, warmEnd),
    options.warmupSeconds,
  );
  const second = describeRun(
    'second run',
    main,
    requestsBetween(sim, mainStart, mainEnd),
    options.measuredSeconds,
  );
  const drained = warm.events + main.events >= options.backlog;
  return {
    backlog: options.backlog,
    latencyMs: options.latencyMs,
    rateLimit: options.rateLimit,
    inputBudgetPerMinute: 570,
    ceilingRequestsPerMinute: ceilingPerMinute,
    ceilingEventsPerSecond: (ceilingPerMinute * itemsPerPage) / 60,
    backlogDrained: drained,
    http429Total: sim.stats.rateLimited - limited0,
    first,
    second,
    sustained: sustainedRate(sim, warmStart, mainEnd),
  };
}
