/**
 * The sample events in test/fixtures/events/<feed>.jsonl: one raw Events API item per line, exactly
 * as the input streams it, indexed with the sourcetype of its feed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { feeds, type FeedId } from '../../../src/core/feeds';
import type { IndexedEvent } from './spl/search-time';

export const repoRoot = path.resolve(__dirname, '../../..');
export const sharedFixtures = path.resolve(repoRoot, '../shared/fixtures');

/** The file of each feed's samples. */
export const sampleFiles: Readonly<Record<FeedId, string>> = {
  signinattempts: 'signin_attempts.jsonl',
  itemusages: 'item_usages.jsonl',
  auditevents: 'audit_events.jsonl',
};

export interface SampleEvent {
  readonly feed: FeedId;
  /** file:line, for messages. */
  readonly label: string;
  readonly item: Record<string, unknown>;
  readonly event: IndexedEvent;
}

export function loadSampleEvents(feed: FeedId): SampleEvent[] {
  const file = sampleFiles[feed];
  const lines = readFileSync(path.join(repoRoot, 'test', 'fixtures', 'events', file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  return lines.map((raw, index) => ({
    feed,
    label: `${file}:${index + 1}`,
    item: JSON.parse(raw) as Record<string, unknown>,
    event: {
      raw,
      sourcetype: feeds[feed].sourcetype,
      source: 'onepassword_events://acme_prod',
      host: 'splunk-hf-01',
      index: 'onepassword',
    },
  }));
}

export function loadAllSampleEvents(): SampleEvent[] {
  return (Object.keys(sampleFiles) as FeedId[]).flatMap(loadSampleEvents);
}
