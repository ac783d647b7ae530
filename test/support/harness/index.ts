/** Harness that runs the packaged input as splunkd does. No side effects on import. */
export { fileLines, finishRun, levels, runPackaged, StreamReader, uuidsOf } from './run-packaged';
export type { Level, RunOptions, RunResult, StreamedEvent } from './run-packaged';
export { ensurePackage, packageVersion, pathWithoutNode, repoRoot, startTestbed } from './testbed';
export type { AccountSpec, Member, Testbed, TestbedOptions } from './testbed';
export {
  describeOnPlatform,
  platformCache,
  platformHost,
  platformUnavailable,
  windowsSplunkHome,
} from './platform-host';
export type { HostPlatform, PlatformHost } from './platform-host';
