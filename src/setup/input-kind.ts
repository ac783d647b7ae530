/**
 * The two kinds of input the app registers (src/core/app-identity.ts): per-run, one process per
 * stanza each interval; resident, one long-running process for every stanza of its kind. Both take
 * the same parameters and keep checkpoints by account, so an input can move from one to the other.
 * Pure: no fetch, no window.
 */
import { inputKinds, type InputKind } from '../core/app-identity';
import { type Entry } from './splunkd-rest';

export { defaultInputKind, inputKinds, kindScheme, type InputKind } from '../core/app-identity';

/** The Inputs table's "Process" column. */
export const kindCellText: Readonly<Record<InputKind, string>> = {
  'per-run': 'Own, every interval',
  resident: 'Shared, resident',
};

/** The input dialog's choice. */
export const kindChoiceText: Readonly<Record<InputKind, string>> = {
  'per-run': 'Own process, started every interval',
  resident: 'Shared resident process',
};

/** Where a moved input goes, in a sentence ("Saving moves acme to …"). */
export const kindMoveText: Readonly<Record<InputKind, string>> = {
  'per-run': 'its own process every interval',
  resident: 'the shared resident process',
};

export const kindChoiceHelp =
  'Pick resident for many accounts on one forwarder: one process serves all of them, each on its own interval, with the same checkpoints and guarantees.';

/** An input as the page lists it: the stanza and its kind. */
export interface InputEntry extends Entry {
  readonly kind: InputKind;
}

/** Both kinds in one list, by name (a name in both kinds, made by hand, shows twice). */
export function listInputEntries(
  byKind: Readonly<Record<InputKind, readonly Entry[]>>,
): InputEntry[] {
  return inputKinds
    .flatMap((kind) => byKind[kind].map((entry) => ({ ...entry, kind })))
    .sort((a, b) => a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
}

/** React key and lookup key: a name is unique within one kind only, as far as splunkd goes. */
export function inputKey(input: { readonly kind: InputKind; readonly name: string }): string {
  return `${input.kind}:${input.name}`;
}
