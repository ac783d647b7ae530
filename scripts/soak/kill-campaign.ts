/**
 * The SIGKILL campaign behind test/integration/reliability/kill-campaign.test.ts and `npm run soak`:
 * a backlog spread over several accounts (each with its own page size) is collected by the
 * PACKAGED input, which is killed at random moments — times drawn from a seeded PRNG, never on the
 * sight of an event, which would correlate kills with the one window README "Guarantees" documents
 * — and rerun until everything is caught up. Then every delivered event is checked against the
 * simulator: lost, duplicated, unexpected, or changed.
 *
 * Importable, no side effects: the test imports it, scripts/soak/run-soak.ts runs it (through tsx).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { feedIds, feeds, type FeedId } from '../../src/core/feeds';
import { readJournal } from '../../src/delivery/page-journal';
import type { FeedCounts } from '../../test/support/events-api-sim';
import {
  startTestbed,
  type HostPlatform,
  type RunResult,
  type Testbed,
} from '../../test/support/harness';

export interface CampaignAccount {
  readonly name: string;
  /** Page size of this account's stanza (the API keeps it in the cursor). */
  readonly limit: number;
  readonly counts: Readonly<Record<FeedId, number>>;
}

export interface CampaignOptions {
  readonly seed: number;
  readonly accounts: readonly CampaignAccount[];
  /** Keep killing until at least this many SIGKILLs have landed. */
  readonly targetKills: number;
  /** Share of runs read by a slow reader (the writer then sits blocked mid-page). */
  readonly slowReaderFraction: number;
  /** max_run_seconds of every run (bounds what one run holds in memory). */
  readonly maxRunSeconds?: number;
  /** Receives a progress line every few runs. */
  readonly progress?: (line: string) => void;
  /** Whose package to kill (default linux-x86_64; linux-aarch64 runs under qemu-user). */
  readonly platform?: HostPlatform;
  /**
   * First estimates of a run's time to its first event (default 800 ms) and of events per ms
   * (default 3); both then follow the measured runs. An emulated platform starts and runs slower,
   * and with the native estimates every kill would land before the first event.
   */
  readonly startupMs?: number;
  readonly eventsPerMs?: number;
}

/** What one SIGKILL left behind, for explaining a duplicate. */
interface KillRecord {
  readonly run: number;
  readonly account: string;
  readonly killAfterMs: number;
  readonly readerDelayMs: number;
  /** Last characters of stdout: how the stream ended. */
  readonly stdoutTail: string;
  /** Per feed: the journal right after the kill (undefined = absent or unreadable). */
  readonly journals: Partial<
    Record<FeedId, { delivered: number; uuids: readonly string[]; exists: boolean }>
  >;
  /** Per feed: uuids this run delivered, in stream order. */
  readonly delivered: Partial<Record<FeedId, string[]>>;
  /** Byte length of each delivered event's <data>, by uuid (for the one-write bound). */
  readonly dataBytes: ReadonlyMap<string, number>;
  /** The journals as this run found them (what the previous run of the account left). */
  readonly journalsBefore: Partial<Record<FeedId, string>>;
  /** The run's INFO/WARN lines about resuming, stopping or skipping. */
  readonly notes: readonly string[];
}

export type DuplicateCause =
  /**
   * The kill fell while a write() was handing bytes to the reader or between its return and the
   * journal update (README "Guarantees"): at most one write's events come again.
   */
  | 'write-journal window'
  /** A crash while the journal was rewritten erased what an earlier run had delivered. */
  | 'journal rewrite lost the delivered count'
  | 'unexplained';

export interface DuplicateReport {
  readonly account: string;
  readonly feed: FeedId;
  readonly uuid: string;
  readonly runs: readonly number[];
  readonly cause: DuplicateCause;
  readonly evidence: string;
}

export interface CampaignReport {
  readonly seed: number;
  readonly kills: number;
  readonly runs: number;
  /** Runs that started after a kill of the same account. */
  readonly reruns: number;
  /** Kills that landed before the run had delivered anything. */
  readonly killsBeforeFirstEvent: number;
  /** Kills that cut the stream inside an event (a page half written). */
  readonly killsMidEvent: number;
  readonly killsWithSlowReader: number;
  /** Events the simulator holds for the campaign accounts (backlog plus any trickle). */
  readonly events: number;
  readonly backlog: number;
  /** Events added after everything had caught up, to keep the kills landing on work. */
  readonly trickle: number;
  /** Events received over all runs, duplicates included. */
  readonly received: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly unexpected: number;
  /** Delivered events whose <data> differs from the simulator's item (documented escapes aside). */
  readonly changed: number;
  /** Runs with an unprefixed stderr line, an ERROR line, a broken stream or an odd exit. */
  readonly anomalies: readonly string[];
  readonly duplicates: readonly DuplicateReport[];
  readonly durationMs: number;
  /** sha256 of the two input scripts that ran (identifies the code under test). */
  readonly bundleSha256: string;
}

/** mulberry32: small, seedable, good enough to spread kill times. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The one documented change to an item in `<data>`: XML-illegal characters become \u escapes. */
function withDocumentedEscapes(raw: string): string {
  return raw.replace(
    // eslint-disable-next-line no-control-regex -- the characters XML 1.0 forbids
    /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/gu,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
  );
}

const digest = (text: string): string => createHash('sha1').update(text).digest('base64');

const feedOfSourcetype = new Map<string, FeedId>(feedIds.map((f) => [feeds[f].sourcetype, f]));

interface Delivery {
  count: number;
  readonly hash: string;
  readonly runs: number[];
}

/**
 * The most one write() can hand to the reader: a pipe holds 64 KiB; Node's child stdio (how the
 * harness, like many supervisors, reads the input) is a UNIX socket pair, whose send buffer is
 * net.core.wmem_default (208 KiB on Linux by default).
 */
export function oneWriteBound(): number {
  try {
    const sndbuf = Number(readFileSync('/proc/sys/net/core/wmem_default', 'utf8').trim());
    return Math.max(65_536, Number.isFinite(sndbuf) ? sndbuf : 0);
  } catch {
    return 65_536;
  }
}

export async function runKillCampaign(options: CampaignOptions): Promise<CampaignReport> {
  const started = Date.now();
  const say = options.progress ?? (() => undefined);
  const random = prng(options.seed);
  const first = options.accounts[0];
  if (!first) throw new Error('a campaign needs at least one account');
  const bed: Testbed = await startTestbed({
    ...(options.platform ? { platform: options.platform } : {}),
    simulator: {
      seed: `kill-campaign-${options.seed}`,
      counts: first.counts,
      hostileFraction: 0.01,
    },
  });
  try {
    return await campaign(bed, options, random, say, started);
  } finally {
    await bed.stop();
  }
}

async function campaign(
  bed: Testbed,
  options: CampaignOptions,
  random: () => number,
  say: (line: string) => void,
  started: number,
): Promise<CampaignReport> {
  const simAccount = new Map<string, string>();
  // Generate every backlog first: it blocks the event loop for seconds, long enough for the
  // stand-in to drop an idle keep-alive connection under a REST call made in between.
  for (const [i, account] of options.accounts.entries())
    simAccount.set(
      account.name,
      i === 0 ? bed.sim.accountUuid : bed.sim.addAccount({ counts: account.counts }),
    );
  for (const account of options.accounts) {
    const accountUuid = simAccount.get(account.name) as string;
    await bed.addAccount({ name: account.name, token: bed.sim.issueToken({ accountUuid }) });
  }
  const total = (): number =>
    options.accounts.reduce(
      (sum, a) =>
        sum +
        feedIds.reduce(
          (s, f) => s + bed.sim.eventCount(f, { accountUuid: simAccount.get(a.name) as string }),
          0,
        ),
      0,
    );
  const backlog = total();
  const deliveries = new Map<string, Map<string, Delivery>>(
    options.accounts.map((a) => [a.name, new Map()]),
  );
  const kills: KillRecord[] = [];
  const anomalies: string[] = [];
  const caughtUp = new Set<string>();
  const killedLast = new Set<string>();
  let runs = 0;
  let reruns = 0;
  let received = 0;
  let trickle = 0;
  let killsBeforeFirstEvent = 0;
  let killsMidEvent = 0;
  let killsWithSlowReader = 0;
  // Timing model for kill times, refined run by run: ms to the first event, events per ms.
  let startupMs = options.startupMs ?? 800;
  let rate = options.eventsPerMs ?? 3;

  const uniqueDelivered = (): number =>
    [...deliveries.values()].reduce((sum, m) => sum + m.size, 0);

  const maxRuns = options.targetKills * 6 + 200;
  while (runs < maxRuns) {
    const pending = options.accounts.filter((a) => !caughtUp.has(a.name));
    const killing = kills.length < options.targetKills;
    if (pending.length === 0) {
      if (!killing) break;
      // Everything is in; add a little more so the remaining kills still land on real work.
      for (const a of options.accounts) {
        for (const f of feedIds) {
          const n = 50 + Math.floor(random() * 200);
          bed.sim.addEvents(f, n, { accountUuid: simAccount.get(a.name) as string });
          trickle += n;
        }
        caughtUp.delete(a.name);
      }
      continue;
    }
    const account = pending[Math.floor(random() * pending.length)] as CampaignAccount;
    const slow = random() < options.slowReaderFraction;
    const readerDelayMs = slow ? [1, 2, 4, 8][Math.floor(random() * 4)]! : 0;
    // A quarter of the kills land during start-up (session, lease, checkpoint reads, first fetch);
    // the rest while events flow, over a window sized so that the remaining backlog lasts about
    // as many kills as remain to be made.
    const remaining = Math.max(1, total() - uniqueDelivered());
    const perKill = remaining / Math.max(1, options.targetKills - kills.length);
    const flowMs = Math.min(15_000, (2 * perKill) / (slow ? rate / 2 : rate));
    const early = random() < 0.25;
    const draw = random();
    const killAfterMs = killing
      ? Math.round(early ? draw * startupMs : startupMs + draw * flowMs)
      : undefined;
    runs++;
    if (killedLast.has(account.name)) reruns++;
    const journalsBefore = snapshotJournals(bed, account.name);
    const runStart = Date.now();
    let firstEventAt = 0;
    const result: RunResult = await bed.run(
      account.name,
      {
        account: account.name,
        limit: String(account.limit),
        max_run_seconds: String(options.maxRunSeconds ?? 10),
      },
      {
        ...(killAfterMs !== undefined ? { killAfterMs } : {}),
        ...(readerDelayMs > 0 ? { readerDelayMs } : {}),
        // Only observes: the kill itself comes from the timer above, never from an event.
        killOnEvent: (_event, count) => {
          if (count === 1) firstEventAt = Date.now();
          return false;
        },
        timeoutMs: 180_000,
      },
    );
    const runEnd = Date.now();
    if (firstEventAt > 0) {
      startupMs = 0.8 * startupMs + 0.2 * (firstEventAt - runStart);
      if (result.events.length > 100 && readerDelayMs === 0)
        rate = 0.8 * rate + (0.2 * result.events.length) / Math.max(20, runEnd - firstEventAt);
    }
    const killed = result.signal === 'SIGKILL';
    const mine = deliveries.get(account.name) as Map<string, Delivery>;
    const perFeed: Partial<Record<FeedId, string[]>> = {};
    const dataBytes = new Map<string, number>();
    for (const event of result.events) {
      const feed = feedOfSourcetype.get(event.sourcetype ?? '');
      let uuid: string;
      try {
        uuid = String((JSON.parse(event.data) as { uuid?: unknown }).uuid);
      } catch {
        anomalies.push(`run ${runs}: an event whose data is not JSON`);
        continue;
      }
      if (!feed) {
        anomalies.push(`run ${runs}: an event with sourcetype ${event.sourcetype ?? '?'}`);
        continue;
      }
      (perFeed[feed] ??= []).push(uuid);
      if (killed) dataBytes.set(uuid, Buffer.byteLength(event.data));
      received++;
      const seen = mine.get(uuid);
      if (seen) {
        seen.count++;
        seen.runs.push(runs);
      } else mine.set(uuid, { count: 1, hash: digest(event.data), runs: [runs] });
    }
    if (result.unprefixed.length > 0)
      anomalies.push(`run ${runs}: unprefixed stderr ${result.unprefixed[0] ?? ''}`);
    if (result.byLevel.ERROR.length > 0 || result.byLevel.FATAL.length > 0)
      anomalies.push(`run ${runs}: ${[...result.byLevel.ERROR, ...result.byLevel.FATAL][0] ?? ''}`);
    if (result.stderr.includes('HARNESS timeout')) anomalies.push(`run ${runs}: did not exit`);
    if (killed) {
      killedLast.add(account.name);
      if (result.events.length === 0) killsBeforeFirstEvent++;
      if (result.truncatedStream) killsMidEvent++;
      if (readerDelayMs > 0) killsWithSlowReader++;
      const journals: KillRecord['journals'] = {};
      for (const f of feedIds) {
        const path = join(bed.checkpointDir, `${account.name}__${f}.journal`);
        const record = readJournal(path);
        journals[f] = record
          ? { delivered: record.delivered, uuids: record.uuids, exists: true }
          : { delivered: -1, uuids: [], exists: existsSync(path) };
      }
      kills.push({
        run: runs,
        account: account.name,
        killAfterMs: killAfterMs ?? -1,
        readerDelayMs,
        stdoutTail: result.stdout.slice(-24),
        journals,
        delivered: perFeed,
        dataBytes,
        journalsBefore,
        notes: [...result.byLevel.INFO, ...result.byLevel.WARN].filter((l) =>
          /resuming|stopped mid-page|repeated events|took the collection lease/.test(l),
        ),
      });
    } else {
      killedLast.delete(account.name);
      if (result.exitCode !== 0) anomalies.push(`run ${runs}: exit ${result.exitCode ?? '?'}`);
      if (result.streamError) anomalies.push(`run ${runs}: stream error ${result.streamError}`);
      const summary = result.byLevel.INFO.find((l) => l.startsWith('INFO run summary')) ?? '';
      if (/\bcaught_up=true\b/.test(summary)) caughtUp.add(account.name);
    }
    if (runs % 10 === 0 || !killing) {
      say(
        `run ${runs}: kills ${kills.length}/${options.targetKills}, delivered ${uniqueDelivered()}/${total()}, ` +
          `${Math.round((Date.now() - started) / 1000)} s`,
      );
    }
  }

  // Verify: the union of what splunkd received equals the simulator's events.
  let lost = 0;
  let unexpected = 0;
  let changed = 0;
  let duplicated = 0;
  const duplicates: DuplicateReport[] = [];
  for (const account of options.accounts) {
    const mine = deliveries.get(account.name) as Map<string, Delivery>;
    const expected = new Set<string>();
    for (const f of feedIds) {
      for (const item of bed.sim.allItems(f, {
        accountUuid: simAccount.get(account.name) as string,
      })) {
        expected.add(item.uuid);
        const got = mine.get(item.uuid);
        if (!got) lost++;
        else {
          if (got.hash !== digest(withDocumentedEscapes(item.raw))) changed++;
          if (got.count > 1) {
            duplicated += got.count - 1;
            duplicates.push(explainDuplicate(account.name, f, item.uuid, got.runs, kills));
          }
        }
      }
    }
    for (const uuid of mine.keys()) if (!expected.has(uuid)) unexpected++;
  }
  if (runs >= maxRuns) anomalies.push(`stopped after ${runs} runs without catching up`);
  return {
    seed: options.seed,
    kills: kills.length,
    runs,
    reruns,
    killsBeforeFirstEvent,
    killsMidEvent,
    killsWithSlowReader,
    events: total(),
    backlog,
    trickle,
    received,
    lost,
    duplicated,
    unexpected,
    changed,
    anomalies,
    duplicates,
    durationMs: Date.now() - started,
    // Both input scripts: the run code is in the second (tools/build/bundle.ts).
    bundleSha256: ['onepassword_events.js', 'onepassword_events_run.js']
      .reduce(
        (hash, file) => hash.update(readFileSync(join(bed.appDir, 'bin', 'app', file))),
        createHash('sha256'),
      )
      .digest('hex'),
  };
}

/** One line per feed: what a journal says (for explaining duplicates). */
function snapshotJournals(bed: Testbed, account: string): Partial<Record<FeedId, string>> {
  const out: Partial<Record<FeedId, string>> = {};
  for (const f of feedIds) {
    const path = join(bed.checkpointDir, `${account}__${f}.journal`);
    const record = readJournal(path);
    out[f] = record
      ? `delivered=${record.delivered}/${record.uuids.length} from=${JSON.stringify(record.from).slice(0, 60)} first=${record.uuids[0] ?? ''}`
      : existsSync(path)
        ? 'unreadable'
        : 'absent';
  }
  return out;
}

/**
 * Why was `uuid` delivered twice? Looks at the kill that ended the first delivering run: the stream
 * tail it left and the journal it left behind.
 */
export function explainDuplicate(
  account: string,
  feed: FeedId,
  uuid: string,
  runs: readonly number[],
  kills: readonly KillRecord[],
): DuplicateReport {
  const base = { account, feed, uuid, runs };
  const kill = kills.find((k) => k.run === runs[0]);
  if (!kill) {
    return { ...base, cause: 'unexplained', evidence: `run ${runs[0] ?? '?'} was not killed` };
  }
  const journal = kill.journals[feed];
  const mineInRun = kill.delivered[feed] ?? [];
  if (!journal || journal.delivered < 0) {
    return {
      ...base,
      cause: 'journal rewrite lost the delivered count',
      evidence: `after the kill of run ${kill.run} the journal was ${journal?.exists ? 'unreadable' : 'absent'}`,
    };
  }
  const at = journal.uuids.indexOf(uuid);
  if (at === -1 || at < journal.delivered) {
    return {
      ...base,
      cause: at === -1 ? 'unexplained' : 'journal rewrite lost the delivered count',
      evidence: `journal after run ${kill.run}: delivered=${journal.delivered} of ${journal.uuids.length}, uuid at ${at}`,
    };
  }
  // Events of this page the reader holds beyond what the journal counts.
  const page = new Set(journal.uuids);
  const heldFromPage = mineInRun.filter((u) => page.has(u));
  const beyond = heldFromPage.filter((u) => journal.uuids.indexOf(u) >= journal.delivered);
  const beyondBytes = beyond.slice(1).reduce((s, u) => s + (kill.dataBytes.get(u) ?? 0), 0);
  // The reader must hold exactly the events that follow the journal's count, in page order.
  const contiguous = beyond.every((u, i) => journal.uuids[journal.delivered + i] === u);
  const evidence =
    `delivered by runs ${runs.join(',')}; journal before run ${kill.run}: ${kill.journalsBefore[feed] ?? '?'}; ` +
    `notes: ${kill.notes.join(' | ') || 'none'}; ` +
    `run ${kill.run} killed at ${kill.killAfterMs} ms (reader delay ${kill.readerDelayMs} ms); ` +
    `journal delivered=${journal.delivered} of ${journal.uuids.length}, reader held ${beyond.length} more ` +
    `(${beyondBytes} bytes after the first); stdout ended ${JSON.stringify(kill.stdoutTail)}`;
  // Killed while a write() was copying into the socket or pipe, or before the journal update
  // right after it: the reader holds at most what one write can hand over, and no more.
  if (contiguous && beyondBytes <= oneWriteBound())
    return { ...base, cause: 'write-journal window', evidence };
  return { ...base, cause: 'unexplained', evidence: `${evidence}; contiguous=${contiguous}` };
}

/** Splits `total` events over the three feeds roughly as the real feeds are (sign-ins the most). */
export function feedCounts(total: number): Readonly<Record<FeedId, number>> & FeedCounts {
  const signinattempts = Math.round(total * 0.4);
  const itemusages = Math.round(total * 0.35);
  return { signinattempts, itemusages, auditevents: total - signinattempts - itemusages };
}
