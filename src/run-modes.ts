/**
 * What run mode and --validate-arguments need (undici, zod, saxes and the collector). Bundled as
 * its own script, bin/app/onepassword_events_run.js, which src/main.ts loads only in those modes,
 * so --scheme reads and compiles none of it.
 */
export { runInputDefinition } from './collector/run-input';
export { validateDefinition } from './collector/validate-input';
export { stdoutTarget } from './delivery/event-output';
export { parseInputDefinition, parseValidationDefinition } from './splunk/input-definition';
export { runResidentDefinition } from './collector/resident-input';
