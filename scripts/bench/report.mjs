/**
 * Targets (issues [6], [13] and 17) and the printed table. Pure: figures in, lines out.
 */

const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const n0 = (x) => (x === undefined ? '–' : Math.round(x).toLocaleString('en-US'));
const n1 = (x) => (x === undefined ? '–' : x.toFixed(1));
const pct = (x) => (x === undefined ? '–' : `${(x * 100).toFixed(1)} %`);

/** Each target: how to read the figure from the results, and whether it passes. */
export function evaluateTargets(r) {
  const rows = [];
  const add = (name, value, target, pass) => rows.push({ name, value, target, pass });
  const t = r.throughput;
  if (t) {
    if (t.hotPath)
      add(
        'CPU per event, parse → XML → stdout (hot path)',
        `${n1(t.hotPath.loopCpuUsPerEvent)} µs = ${n1(t.hotPath.ratioToFloorLoop)} × the floor (${n1(t.floor.loopCpuUsPerEvent)} µs)`,
        '≤ 5 µs',
        t.hotPath.loopCpuUsPerEvent <= 5,
      );
    add(
      'CPU per event, packaged input (marginal)',
      `${n1(t.input.marginalCpuUsPerEvent)} µs = ${n1(t.marginalRatioToFloor)} × the floor (${n0(t.input.marginalEventsPerCpuSecond)} events/CPU-s)`,
      '≤ 5 µs',
      t.input.marginalCpuUsPerEvent <= 5,
    );
  }
  const b = r.backfill;
  if (b) {
    add(
      'Backfill, sustained requests/min',
      `${n1(b.sustained.requestsPerMinute)}/min = ${pct(b.sustained.fractionOfRequestCeiling)} of 600 (${n0(b.sustained.eventsPerSecond)} events/s)` +
        (b.sustained.wholeMinutes === false ? ', under a minute: not sustained' : ''),
      '≥ 90 % of the ceiling',
      b.sustained.wholeMinutes === false ? null : b.sustained.fractionOfRequestCeiling >= 0.9,
    );
    add(
      'Backfill, 429s received',
      `${b.http429Total} (at most ${b.sustained.maxRequestsInAny60s} requests in any 60 s)`,
      '0',
      b.http429Total === 0,
    );
  }
  const m = r.memory;
  if (m) {
    add(
      'Peak RSS, largest backlog',
      `${n0(m.maxPeakRssMb)} MB (${m.tiers.map((x) => `${n0(x.events / 1000)}k: ${n0(x.peakRssMb)}`).join(', ')})`,
      '≤ 80 MB',
      m.maxPeakRssMb <= 80,
    );
    add(
      'Peak RSS flat across backlogs',
      `largest/smallest backlog ${m.growthLargestOverSmallest.toFixed(2)} ×`,
      '≤ 1.25 ×',
      m.growthLargestOverSmallest <= 1.25,
    );
  }
  const s = r.startup;
  if (s) {
    add(
      '--scheme (median wall)',
      `${n1(s.scheme.medianWallMs)} ms`,
      '≤ 150 ms',
      s.scheme.medianWallMs <= 150,
    );
    add(
      'Empty run (median wall, loopback)',
      `${n1(s.emptyRun.medianWallMs)} ms`,
      '≤ 300 ms + network',
      s.emptyRun.medianWallMs <= 300,
    );
    const overBare = s.emptyRun.medianPeakRssMb - s.bareNode.medianPeakRssMb;
    add(
      'Empty run, peak RSS over bare Node',
      `+${n1(overBare)} MB (${n1(s.emptyRun.medianPeakRssMb)} vs ${n1(s.bareNode.medianPeakRssMb)} MB)`,
      '≤ +25 MB',
      overBare <= 25,
    );
  }
  const i = r.idle;
  if (i) {
    const gb = (x) => `${(x / 1024).toFixed(2)} GB`;
    add(
      `${i.accounts} idle accounts, a process each per interval`,
      `${pct(i.perInterval.shareOfOneCoreAt60s)} of a core, ${gb(i.perInterval.alignedRssMb)} aligned ` +
        `(compile cache: ${pct(i.compileCache.shareOfOneCoreAt60s)})`,
      '≤ 5 % of a core, ≤ 1 GB',
      i.perInterval.shareOfOneCoreAt60s <= 0.05 && i.perInterval.alignedRssMb <= 1024,
    );
    const ir = i.resident;
    add(
      `${i.accounts} idle accounts, one resident input`,
      `${pct(ir.shareOfOneCoreAt60s)} of a core at 60 s (${n0(ir.cpuMsPerIdleCycle)} ms per idle cycle), ` +
        `${gb(ir.peakRssMb)} peak; RSS ${n0(ir.rssMbAfterFirstCycle)} → ${n0(ir.rssMbAfterLastCycle)} MB over ${ir.cycles} cycles`,
      '≤ 5 % of a core, ≤ 1 GB',
      ir.shareOfOneCoreAt60s !== undefined &&
        ir.shareOfOneCoreAt60s <= 0.05 &&
        ir.peakRssMb <= 1024,
    );
  }
  const f = r.fairness;
  if (f) {
    add(
      `Backfill of ${f.accounts} accounts at once, fairness`,
      `events per account min ${n0(f.minEvents)}, median ${n0(f.medianEvents)}, max ${n0(f.maxEvents)}; Jain ${f.jainIndex?.toFixed(3)}`,
      'none starved (min ≥ ½ median)',
      f.medianEvents > 0 && f.minEvents >= f.medianEvents / 2,
    );
    const fr = f.resident;
    if (fr)
      add(
        `Backfill of ${f.accounts} accounts, one resident input, fairness`,
        `events per account min ${n0(fr.minEvents)}, median ${n0(fr.medianEvents)}, max ${n0(fr.maxEvents)}; Jain ${fr.jainIndex?.toFixed(3)}`,
        'none starved (min > 0); Jain reported',
        fr.minEvents > 0,
      );
  }
  const stops = [
    ['idle', i?.resident],
    ['backfilling', f?.resident],
  ].filter(([, x]) => x);
  if (stops.length > 0)
    add(
      'Resident input on SIGTERM',
      stops.map(([name, x]) => `${name}: ${x.ending}`).join('; '),
      'exit 0, stream closed',
      stops.every(([, x]) => x.cleanStop),
    );
  return rows;
}

function table(headers, rows) {
  const widths = headers.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => String(row[i]).length)),
  );
  const line = (cells) =>
    cells
      .map((c, i) => String(c).padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** What the resident input said on stderr beyond INFO: counts by level and the first such line. */
function residentStderr(x) {
  const levels = Object.entries(x.logLevels ?? {}).filter(
    ([level]) => !['INFO', 'DEBUG'].includes(level),
  );
  if (levels.length === 0) return [];
  return [
    `   resident input's stderr: ${levels.map(([level, count]) => `${count} ${level}`).join(', ')}; first: ${x.problemLines?.[0] ?? ''}`,
  ];
}

/** The printed report. */
export function formatReport(r) {
  const out = [];
  const m = r.machine;
  out.push(
    `Machine: ${m.nproc} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, Linux ${m.kernel}; input on Node ${r.inputNode}, bench on Node ${m.benchNode}`,
  );
  out.push(
    `Load average at start ${m.loadAverageAtStart.join(' ')}, at end ${r.loadAverageAtEnd.join(' ')}; mode ${r.mode}`,
  );
  out.push('');
  const targets = evaluateTargets(r);
  out.push(
    ...table(
      ['Target', 'Measured', 'Goal', 'Result'],
      targets.map((x) => [
        x.name,
        x.value,
        x.target,
        x.pass === null ? 'n/a' : x.pass ? 'PASS' : 'MISS',
      ]),
    ),
  );
  const t = r.throughput;
  if (t) {
    out.push(
      '',
      `1. Zero-latency throughput: ${n0(t.events)} events in ${n0(t.pages)} pages, ${mb(t.outputBytes)} of XML`,
    );
    out.push(
      ...table(
        ['', 'wall', 'events/s wall', 'CPU', 'µs/event', 'marginal µs/event', 'peak RSS'],
        [
          [
            'input (packaged)',
            `${n0(t.input.wallMs)} ms`,
            n0(t.input.eventsPerSecondWall),
            `${n0(t.input.cpuMs)} ms`,
            n1(t.input.cpuUsPerEvent),
            n1(t.input.marginalCpuUsPerEvent),
            `${n0(t.input.peakRssMb)} MB`,
          ],
          [
            'run with nothing new',
            `${n0(t.emptyRun.wallMs)} ms`,
            '',
            `${n0(t.emptyRun.cpuMs)} ms`,
            '',
            '',
            '',
          ],
          ...(t.hotPath
            ? [
                [
                  'hot path (parsePage + formatPage + write)',
                  '',
                  '',
                  `${n0(t.hotPath.loopCpuMs)} ms`,
                  '',
                  `${n1(t.hotPath.loopCpuUsPerEvent)} (loop)`,
                  '',
                ],
              ]
            : []),
          [
            'floor (JSON.parse + write)',
            `${n0(t.floor.wallMs)} ms`,
            n0(t.floor.eventsPerSecondWall),
            `${n0(t.floor.cpuMs)} ms`,
            n1(t.floor.cpuUsPerEvent),
            `${n1(t.floor.loopCpuUsPerEvent)} (loop)`,
            `${n0(t.floor.peakRssMb)} MB`,
          ],
        ],
      ),
    );
    out.push(
      `   ratio input/floor: ${n1(t.ratioToFloor)} × whole process, ${n1(t.marginalRatioToFloor)} × marginal; ` +
        `input threads: ${Object.entries(t.input.threadsCpuMs ?? {})
          .map(([k, v]) => `${k} ${n0(v)} ms`)
          .join(', ')}`,
    );
    out.push(
      `   the bench's reader and stand-ins used ${n0(t.input.readerAndStandInsCpuMs)} ms CPU meanwhile (same 2 cores)`,
    );
    out.push(
      `6. KV store: ${t.kv.checkpointSaves} checkpoint batch_saves for ${n0(t.events)} events = ${t.kv.checkpointSavesPer1000Events.toFixed(2)} per 1000 events; ` +
        `${t.kv.kvCallsPerRun} KV calls in the backfill run, ${t.kv.kvCallsEmptyRun} in a run with nothing new`,
    );
  }
  const b = r.backfill;
  if (b) {
    out.push(
      '',
      `2. Backfill: backlog ${n0(b.backlog)} events, latency ${b.latencyMs.join('–')} ms, limits ${b.rateLimit.perMinute}/min and ${b.rateLimit.perHour}/h (429 beyond)`,
    );
    out.push(
      ...table(
        [
          'run',
          'max_run_seconds',
          'wall',
          'requests',
          'req/min',
          'of ceiling',
          'events/s',
          'of 10k/s',
          '429s',
          'per minute',
        ],
        [b.first, b.second].map((x) => [
          x.label,
          x.maxRunSeconds,
          `${n1(x.wallMs / 1000)} s`,
          x.requests,
          n1(x.requestsPerMinute),
          pct(x.fractionOfRequestCeiling),
          n0(x.eventsPerSecond),
          pct(x.fractionOfEventCeiling),
          x.http429,
          x.requestsPerMinuteByMinute.join(' '),
        ]),
      ),
    );
    const su = b.sustained;
    out.push(
      `   sustained over both runs: ${su.requestsByMinute.join(', ')} requests in ${su.completeMinutes} whole minute(s) = ` +
        `${n1(su.requestsPerMinute)}/min (${pct(su.fractionOfRequestCeiling)}), ${n0(su.eventsPerSecond)} events/s; ` +
        `at most ${su.maxRequestsInAny60s} requests in any 60 s; the input's budget is ${b.inputBudgetPerMinute}/min`,
    );
  }
  const mem = r.memory;
  if (mem) {
    out.push('', '3. Peak RSS by backlog (one account, three feeds, zero latency)');
    out.push(
      ...table(
        ['backlog', 'peak RSS', 'of it private (RssAnon)', 'wall', 'CPU µs/event'],
        mem.tiers.map((x) => [
          n0(x.events),
          `${n1(x.peakRssMb)} MB`,
          `${n1(x.peakPrivateMb)} MB`,
          `${n1(x.wallMs / 1000)} s`,
          n1(x.cpuUsPerEvent),
        ]),
      ),
    );
  }
  const s = r.startup;
  if (s) {
    out.push('', `4. Start-up, median of ${s.scheme.runs} (launcher: sh + uname + exec node)`);
    out.push(
      ...table(
        ['', 'median wall', 'min wall', 'median CPU', 'peak RSS'],
        [
          ['node -e 0 (bundled runtime)', s.bareNode, ''],
          ['--scheme', s.scheme, ''],
          [
            'run with nothing new',
            s.emptyRun,
            `${n1(s.emptyRun.kvCallsPerRun)} KV calls, ${n1(s.emptyRun.apiRequestsPerRun)} API requests`,
          ],
        ].map(([name, x, note]) => [
          name,
          `${n1(x.medianWallMs)} ms`,
          `${n1(x.minWallMs)} ms`,
          `${n0(x.medianCpuMs)} ms`,
          `${n1(x.medianPeakRssMb)} MB ${note}`.trim(),
        ]),
      ),
    );
  }
  const z = r.bundle;
  if (z) {
    out.push('', '5. Bundle sizes');
    const rows = [
      [z.script.file, kb(z.script.bytes), kb(z.script.gzipBytes)],
      [z.runScript.file, kb(z.runScript.bytes), kb(z.runScript.gzipBytes)],
      ['appserver/static/setup/ (setup page)', kb(z.setupPage.bytes), kb(z.setupPage.gzipBytes)],
      ...z.spl.map((x) => [`dist/${x.file}`, mb(x.bytes), '']),
    ];
    out.push(...table(['file', 'size', 'gzip'], rows));
    for (const [script, parts] of Object.entries(z.scriptComposition))
      out.push(
        `   ${script}: ${parts.byPart
          .slice(0, 6)
          .map((x) => `${x.part} ${kb(x.bytes)} (${pct(x.share)})`)
          .join(', ')}`,
      );
  }
  const sc = r.scaleOut;
  if (sc) {
    out.push(
      '',
      `7. Scale-out: one input process per account, all at once, ${n0(sc.eventsPerAccount)} events each (zero latency)`,
    );
    out.push(
      ...table(
        [
          'accounts',
          'events',
          'wall',
          'events/s',
          'CPU/account',
          'µs/event',
          'peak RSS/account (median, max)',
          'private/account',
          'sum of private',
        ],
        sc.groups.map((g) => [
          g.accounts,
          n0(g.events),
          `${n1(g.wallMs / 1000)} s`,
          n0(g.eventsPerSecond),
          `${n0(g.cpuMsPerAccount)} ms`,
          n1(g.cpuUsPerEvent),
          `${n0(g.medianPeakRssMbPerAccount)}, ${n0(g.maxPeakRssMbPerAccount)} MB`,
          `${n0(g.medianPeakPrivateMbPerAccount)} MB`,
          `${n0(g.sumPeakPrivateMb)} MB`,
        ]),
      ),
    );
  }
  const id = r.idle;
  if (id) {
    out.push('', `8. ${id.accounts} idle (caught-up) accounts, one interval's work`);
    const row = (name, x) => [
      name,
      `${n0(x.cpuMsPerInterval)} ms`,
      pct(x.shareOfOneCoreAt60s),
      `${n0(x.medianPeakRssMb)} MB (${n0(x.medianPeakPrivateMb)} private)`,
      `${n0(x.alignedRssMb)} MB (${n0(x.alignedPrivateMb)} private)`,
    ];
    out.push(
      ...table(
        [
          'model',
          'CPU per interval',
          'of a core at 60 s',
          'per process',
          'all at once / over the cycles',
        ],
        [
          row(`a process per account (${id.batch} at a time)`, id.perInterval),
          row('the same, NODE_COMPILE_CACHE', id.compileCache),
          [
            `one resident input (interval ${id.resident.interval} s, ${id.resident.cycles} cycles)`,
            `${n0(id.resident.cpuMsPerIdleCycle)} ms per idle cycle`,
            pct(id.resident.shareOfOneCoreAt60s),
            `${n0(id.resident.peakRssMb)} MB peak (${n0(id.resident.peakPrivateMb)} private)`,
            `RSS ${n0(id.resident.rssMbAfterFirstCycle)} → ${n0(id.resident.rssMbAfterLastCycle)} MB, ` +
              `private ${n0(id.resident.privateMbAfterFirstCycle)} → ${n0(id.resident.privateMbAfterLastCycle)} MB`,
          ],
        ],
      ),
    );
    out.push(
      `   resident: first cycle ${n0(id.resident.firstCycleCpuMs)} ms CPU (start-up, ${n0(id.resident.firstCycleEvents)} events), ` +
        `${n1(id.resident.cpuMsPerAccountRun)} ms CPU per idle account-run, median account-run ${n0(id.resident.medianAccountRunMs)} ms wall; ` +
        `${id.resident.accountRuns.total} account-runs, ${id.resident.accountRuns.minPerAccount}–${id.resident.accountRuns.maxPerAccount} per account`,
      ...residentStderr(id.resident),
    );
  }
  const fa = r.fairness;
  if (fa) {
    out.push(
      '',
      `9. Backfill fairness: ${fa.accounts} accounts, a process each, all at once, max_run_seconds ${fa.maxRunSeconds}: ` +
        `${n0(fa.events)} events in ${n1(fa.wallMs / 1000)} s, per account min ${n0(fa.minEvents)} / median ${n0(fa.medianEvents)} / ` +
        `max ${n0(fa.maxEvents)}, Jain's index ${fa.jainIndex?.toFixed(3)}, ${n0(fa.sumPeakRssMb)} MB of peak RSS together`,
    );
    const fr = fa.resident;
    if (fr)
      out.push(
        `   one resident input, the same ${fa.accounts} accounts' backlogs as stanzas, SIGTERM after ${fr.windowSeconds} s: ` +
          `${n0(fr.events)} events in ${n1(fr.wallMs / 1000)} s (${n0(fr.cpuMs)} ms CPU), per account min ${n0(fr.minEvents)} / ` +
          `median ${n0(fr.medianEvents)} / max ${n0(fr.maxEvents)}, Jain's index ${fr.jainIndex?.toFixed(3)}, ${n0(fr.peakRssMb)} MB peak RSS`,
        `   (interval ${fr.interval} s, max_run_seconds ${fr.maxRunSeconds}): ${fr.accountsWithNoEvents} accounts without an event; ` +
          `first event per account after ${fr.firstEventMs ? `${n1(fr.firstEventMs.min / 1000)} / ${n1(fr.firstEventMs.median / 1000)} / ${n1(fr.firstEventMs.max / 1000)} s (min / median / max)` : '–'}; ` +
          `account-runs by stopped_by: ${Object.entries(fr.accountRuns.stoppedBy ?? {})
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}`,
        ...residentStderr(fr),
      );
  }
  const p = r.profile;
  if (p) {
    out.push(
      '',
      `Profile of a ${n0(p.events)}-event backfill (--cpu-prof, readable bundle): share of sampled time by module`,
    );
    const busy = p.byModule.filter((x) => x.key !== '(idle)');
    const busyTotal = busy.reduce((a, x) => a + x.ms, 0);
    out.push(
      ...table(
        ['module (first frame of ours on the stack)', 'ms', 'share of busy', '≈ µs/event'],
        busy
          .slice(0, 12)
          .map((x) => [
            x.key,
            x.ms,
            pct(x.ms / busyTotal),
            n1((p.cpuUsPerEvent * x.ms) / busyTotal),
          ]),
      ),
    );
    out.push('   hottest leaves:');
    for (const x of p.byModuleAndLeaf.filter((y) => !y.key.startsWith('(idle)')).slice(0, 12))
      out.push(`   ${String(x.ms).padStart(6)} ms  ${pct(x.ms / busyTotal).padStart(7)}  ${x.key}`);
  }
  return out;
}
