#!/usr/bin/env node
/**
 * The main job: shows the packaged add-on working end to end on the embedded stand-ins.
 * `npm run demo` builds the .spl files first. Nothing here talks to 1Password or a real Splunk.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const { startTestbed } = require(join(root, 'build', 'tools', 'harness.cjs'));

const feeds = {
  signinattempts: '1password:insights:signin_attempts',
  itemusages: '1password:insights:item_usages',
  auditevents: '1password:insights:audit_events',
};
const say = (text = '') => process.stdout.write(`${text}\n`);
const rule = (title) => say(`\n== ${title} ${'='.repeat(Math.max(0, 70 - title.length))}`);

function perFeed(events) {
  const counts = Object.fromEntries(Object.keys(feeds).map((f) => [f, 0]));
  for (const e of events) {
    const feed = Object.keys(feeds).find((f) => feeds[f] === e.sourcetype);
    if (feed) counts[feed]++;
  }
  return counts;
}

async function main() {
  rule('Starting the stand-ins');
  const bed = await startTestbed({
    simulator: {
      seed: 'demo',
      counts: { signinattempts: 4000, itemusages: 3000, auditevents: 2000 },
    },
  });
  try {
    say(`1Password Events API simulator: ${bed.sim.url} (HTTPS, its own CA: ${bed.sim.caPath})`);
    say(`splunkd stand-in:               ${bed.splunkd.url}`);
    say(`packaged app extracted to:      ${bed.appDir}`);

    rule('Configuring an account the way the setup page does');
    await bed.addAccount({ name: 'demo' });
    say(
      'token stored in storage/passwords (realm TA-1password-events, user account:demo), never in a .conf file',
    );
    say(
      `custom endpoint ${bed.sim.url} recorded beside the token; CA bundle set in onepassword_accounts.conf`,
    );
    const created = await bed.rest(
      'POST',
      '/servicesNS/nobody/TA-1password-events/data/inputs/onepassword_events',
      {
        name: 'demo',
        account: 'demo',
        index: 'onepassword',
        interval: '60',
      },
    );
    const validation = bed.splunkd.validations().at(-1);
    say(
      `input created through splunkd REST: HTTP ${created.status}; splunkd ran the packaged --validate-arguments (exit ${validation?.exitCode ?? '?'}), which called introspect live`,
    );

    rule('Run 1: backfill');
    const first = await bed.run('demo', { account: 'demo' });
    const counts1 = perFeed(first.events);
    for (const [feed, n] of Object.entries(counts1))
      say(
        `${feeds[feed].padEnd(38)} ${String(n).padStart(6)} events (simulator holds ${bed.sim.eventCount(feed)})`,
      );
    say(
      `stderr: ${first.byLevel.INFO.find((l) => l.startsWith('INFO run summary')) ?? '(no summary)'}`,
    );

    rule('One event per sourcetype, as splunkd received it');
    for (const sourcetype of Object.values(feeds)) {
      const e = first.events.find((x) => x.sourcetype === sourcetype);
      if (!e) continue;
      say(
        `<time>${e.time}</time> index=${e.index} sourcetype=${e.sourcetype} host=${e.host} source=${e.source}`,
      );
      say(`  ${e.data.length > 300 ? `${e.data.slice(0, 300)}…` : e.data}`);
    }

    rule('New and late events arrive; Run 2: incremental');
    bed.sim.addEvents('itemusages', 25);
    bed.sim.addEvents('auditevents', 5);
    bed.sim.insertLateEvents('signinattempts', 3, { ageMs: 6 * 3600_000 });
    const second = await bed.run('demo', { account: 'demo' });
    for (const [feed, n] of Object.entries(perFeed(second.events)))
      say(`${feeds[feed].padEnd(38)} ${String(n).padStart(6)} new events`);
    const all = [...first.events, ...second.events].map((e) => JSON.parse(e.data).uuid);
    say(
      `delivered ${all.length} events, ${new Set(all).size} distinct uuids: ${all.length === new Set(all).size ? 'no duplicates' : 'DUPLICATES'}`,
    );

    rule('Checkpoints in the KV store (collection onepassword_checkpoints)');
    for (const d of bed
      .kvDocs('onepassword_checkpoints')
      .filter((x) => x.feed && x.feed !== 'budget')) {
      say(
        `${d._key}: cursor=${String(d.cursor).slice(0, 24)}… events_total=${d.events_total} pages_total=${d.pages_total}`,
      );
    }
    rule('Health (collection onepassword_health)');
    for (const h of bed.kvDocs('onepassword_health'))
      say(`${h._key}: status=${h.status} lag_seconds=${h.lag_seconds} events_24h=${h.events_24h}`);
  } finally {
    await bed.stop();
  }
  rule('Packages to install (Apps › Install app from file)');
  for (const f of readdirSync(join(root, 'dist'))
    .filter((n) => n.endsWith('.spl'))
    .sort())
    say(join(root, 'dist', f));
}

main().catch((error) => {
  process.stderr.write(`demo failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
