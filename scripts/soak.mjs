#!/usr/bin/env node
/**
 * npm run soak: the SIGKILL campaign of test/integration/reliability/kill-campaign.test.ts at
 * 1,000,000 events. The packaged input (dist/*-linux-x86_64.spl, built by `npm run soak` first) is
 * killed at random moments (seeded PRNG) and rerun until caught up; then every delivered event is
 * checked against the simulator. Prints the figures; exits 1 if anything was lost, repeated outside
 * the documented window, changed, or if a run misbehaved.
 *
 * Environment: SOAK_SEED (else KILL_CAMPAIGN_SEED, else random), SOAK_EVENTS (default 1000000),
 * SOAK_KILLS (default 200), SOAK_SLOW_FRACTION (default 0.25).
 *
 * The campaign is TypeScript shared with the jest test; this file runs scripts/soak/run-soak.ts
 * with tsx in a child process and passes its exit code through.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const result = spawnSync(process.execPath, [tsx, join(here, 'soak', 'run-soak.ts')], {
  stdio: 'inherit',
});
if (result.error) process.stderr.write(`ERROR soak: cannot start tsx: ${result.error.message}\n`);
else if (result.signal) process.stderr.write(`ERROR soak: stopped by ${result.signal}\n`);
process.exitCode = result.status ?? 1;
