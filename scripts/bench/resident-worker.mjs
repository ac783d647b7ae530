/**
 * A measurement model of the long-running input (issue 17, deliverable 3), not the input: one
 * resident process, run by the add-on's bundled Node, that serves many caught-up accounts and,
 * every cycle (one "interval"), does for each of them the network work of a run that finds
 * nothing new: 3 Events API requests with the feed's cursor (one keep-alive client per account,
 * as each account has its own endpoint, token and CA) and 5 KV store calls on one shared
 * splunkd client (query checkpoints, batch_save them, read back, query health, batch_save it).
 * It leaves out what a real run adds on top (lease decision, validation, logging): small next to
 * process start-up, module loading and TLS, which is what the comparison is about.
 *
 * Usage: node resident-worker.mjs <config JSON file>
 *   {simUrl, simCaPem, tokens: [..], splunkdUrl, splunkdCaPem, sessionKey, cycles, startTime}
 * Prints one JSON line per cycle on stderr: {cycle, cpuMs, wallMs, rssKb, heapUsedKb, externalKb}.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Agent, request } = require('undici');

const feeds = ['signinattempts', 'itemusages', 'auditevents'];
const kvBase = '/servicesNS/nobody/TA-1password-events/storage/collections/data';

async function body(response, what) {
  const text = await response.body.text();
  if (response.statusCode >= 300)
    throw new Error(`${what}: HTTP ${response.statusCode} ${text.slice(0, 200)}`);
  return text;
}

async function main() {
  const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  const splunkd = new Agent({
    connect: {
      ca: config.splunkdCaPem,
      rejectUnauthorized: true,
      checkServerIdentity: () => undefined,
    },
  });
  const auth = { authorization: `Splunk ${config.sessionKey}` };
  const kv = async (method, path, payload) =>
    body(
      await request(`${config.splunkdUrl}${kvBase}/${path}`, {
        method,
        dispatcher: splunkd,
        headers: { ...auth, ...(payload ? { 'content-type': 'application/json' } : {}) },
        body: payload,
      }),
      `KV ${method} ${path}`,
    );
  const accounts = config.tokens.map((token, i) => ({
    name: `resident${i}`,
    token,
    dispatcher: new Agent({ connect: { ca: config.simCaPem } }),
    cursors: {},
  }));

  async function poll(account) {
    const query = encodeURIComponent(JSON.stringify({ account: account.name }));
    await kv('GET', `onepassword_checkpoints?query=${query}`);
    await Promise.all(
      feeds.map(async (feed) => {
        const cursor = account.cursors[feed];
        const text = await body(
          await request(`${config.simUrl}/api/v2/${feed}`, {
            method: 'POST',
            dispatcher: account.dispatcher,
            headers: {
              authorization: `Bearer ${account.token}`,
              'content-type': 'application/json',
            },
            body: JSON.stringify(
              cursor ? { cursor } : { limit: 1000, start_time: config.startTime },
            ),
          }),
          `POST ${feed}`,
        );
        account.cursors[feed] = JSON.parse(text).cursor;
      }),
    );
    const docs = feeds.map((feed) => ({
      _key: `${account.name}__${feed}`,
      account: account.name,
      cursor: account.cursors[feed],
    }));
    await kv('POST', 'onepassword_checkpoints/batch_save', JSON.stringify(docs));
    await kv('GET', `onepassword_checkpoints/${encodeURIComponent(docs[0]._key)}`);
    await kv('GET', `onepassword_health?query=${query}`);
    await kv(
      'POST',
      'onepassword_health/batch_save',
      JSON.stringify(docs.map((d) => ({ _key: d._key, account: d.account, ok: true }))),
    );
  }

  for (let cycle = 0; cycle < config.cycles; cycle++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    // Accounts run concurrently, as one process would poll them when their intervals come round.
    await Promise.all(accounts.map(poll));
    const used = process.cpuUsage(cpu);
    const memory = process.memoryUsage();
    process.stderr.write(
      `${JSON.stringify({
        cycle,
        cpuMs: (used.user + used.system) / 1000,
        wallMs: performance.now() - started,
        rssKb: Math.round(memory.rss / 1024),
        heapUsedKb: Math.round(memory.heapUsed / 1024),
        externalKb: Math.round(memory.external / 1024),
      })}\n`,
    );
  }
  await Promise.all([splunkd.close(), ...accounts.map((a) => a.dispatcher.close())]);
}

main().catch((error) => {
  process.stderr.write(`FATAL resident: ${error && error.message}\n`);
  process.exitCode = 1;
});
