/**
 * What a search string refers to: macros (`name` or `name(args)`), eventtypes, lookups (lookup,
 * inputlookup, outputlookup) and sourcetypes; plus macro expansion and the base search (the part
 * before the first top-level pipe) so it can be matched against events.
 */
export class SplReferenceError extends Error {
  override readonly name = 'SplReferenceError';
}

/** Macro calls as `name` or `name(n)` (n = argument count), as macros.conf names stanzas. */
export function macroCalls(search: string): string[] {
  return [...search.matchAll(/`([A-Za-z0-9_]+)(?:\(([^`]*)\))?`/g)].map(([, name, args]) =>
    args === undefined ? (name as string) : `${name}(${args.split(',').length})`,
  );
}

export function eventtypeReferences(search: string): string[] {
  return [...search.matchAll(/\beventtype\s*=\s*"?([A-Za-z0-9_*-]+)"?/g)].map(
    ([, name]) => name as string,
  );
}

export function lookupReferences(search: string): string[] {
  return [
    ...search.matchAll(
      /\|\s*(?:lookup|inputlookup|outputlookup)\s+(?:[a-z_]+=\S+\s+)*([A-Za-z0-9_.-]+)/g,
    ),
  ].map(([, name]) => name as string);
}

export function sourcetypeReferences(search: string): string[] {
  // A quoted value, or a bare one that is not the start of a function call (eval sourcetype=case(…)).
  return [
    ...search.matchAll(/\bsourcetype\s*(?:=|==)\s*(?:"([^"]+)"|([A-Za-z0-9:_*.-]+)(?![(\w]))/g),
  ].map(([, quoted, bare]) => (quoted ?? bare) as string);
}

/** Replaces argument-less macro calls by their definitions, recursively. */
export function expandMacros(
  search: string,
  definitions: ReadonlyMap<string, string>,
  depth = 0,
): string {
  if (depth > 10) throw new SplReferenceError(`macro expansion too deep in: ${search}`);
  const expanded = search.replace(/`([A-Za-z0-9_]+)`/g, (_call, name: string) => {
    const definition = definitions.get(name);
    if (definition === undefined) throw new SplReferenceError(`undefined macro ${name}`);
    return definition;
  });
  return expanded === search ? search : expandMacros(expanded, definitions, depth + 1);
}

/** The text before the first pipe outside quotes and subsearch brackets. */
export function baseSearch(search: string): string {
  let depth = 0;
  for (let index = 0; index < search.length; index += 1) {
    const char = search[index];
    if (char === '"') {
      index = search.indexOf('"', index + 1);
      if (index < 0) throw new SplReferenceError(`unterminated quote in: ${search}`);
    } else if (char === '[') depth += 1;
    else if (char === ']') depth -= 1;
    else if (char === '|' && depth === 0) return search.slice(0, index);
  }
  return search;
}

/** Drops time modifiers (earliest=, latest=, _index_earliest=, _index_latest=): not event fields. */
export function withoutTimeModifiers(search: string): string {
  return search.replace(/\b_?(?:index_)?(?:earliest|latest)=\S+/g, ' ');
}
