/**
 * 1Password Events API simulator for tests, the demo, the benchmark and the soak.
 * See docs/simulator.md. Importing this module has no side effects.
 */
export { startEventsApiSimulator } from './simulator';
export type { ItemQueryOptions, Simulator, SimulatorOptions } from './simulator';
export { truncateToken, legacyAudience, allFeatures } from './tokens';
export type { IssueTokenOptions } from './tokens';
export type {
  ConnectionFault,
  FaultController,
  FaultHandle,
  FaultKind,
  FaultMatch,
  FaultRule,
  FaultTiming,
  RequestFault,
  ResponseFault,
} from './faults';
export type { FeedCounts } from './account-data';
export type { ApiVersion } from './event-factory';
export type { StoredItem } from './feed-store';
export type { RateLimit } from './rate-limiter';
export { documentedRateLimit } from './rate-limiter';
export type { RequestRecord, SimulatorStats } from './request-log';
export type { ErrorShape } from './responses';
export type { TlsInput, TlsMaterial } from './tls-material';
export { defaultLimit, maxLimit, minLimit } from './request-body';
