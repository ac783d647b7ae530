/**
 * KV_MODE = json, as far as the add-on relies on it: every leaf of the event's JSON object becomes
 * a field named by its dotted path (`client.ip_address`, `location.country`); array elements add
 * values to a multivalue field whose path segment ends in `{}`. Numbers and booleans keep their
 * JSON spelling as text. Text that is not a JSON object yields no fields ("json mode does not
 * extract any fields when used on data that isn't of the correct format", props.conf.spec).
 */
import type { FieldValue } from './eval-expression';

/**
 * Splunk does not document how JSON null and "" surface, so the proofs run under both readings:
 * `literal` keeps them as the strings "null" and "", `absent` drops the field.
 */
export interface JsonExtractionOptions {
  readonly jsonNull: 'absent' | 'literal';
  readonly emptyString: 'absent' | 'literal';
}

export const jsonExtractionModes: readonly JsonExtractionOptions[] = [
  { jsonNull: 'absent', emptyString: 'absent' },
  { jsonNull: 'literal', emptyString: 'literal' },
];

export function extractJsonFields(
  raw: string,
  options: JsonExtractionOptions,
): Map<string, FieldValue> {
  const fields = new Map<string, FieldValue>();
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return fields;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return fields;

  const add = (name: string, value: string): void => {
    const existing = fields.get(name);
    if (existing === undefined) fields.set(name, value);
    else fields.set(name, [...(typeof existing === 'string' ? [existing] : existing), value]);
  };
  const walk = (value: unknown, name: string): void => {
    if (value === null) {
      if (options.jsonNull === 'literal') add(name, 'null');
    } else if (Array.isArray(value)) {
      for (const element of value) walk(element, `${name}{}`);
    } else if (typeof value === 'object') {
      for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
        walk(child, name === '' ? key : `${name}.${key}`);
      }
    } else if (value === '') {
      if (options.emptyString === 'literal') add(name, '');
    } else {
      add(name, String(value));
    }
  };
  walk(parsed, '');
  return fields;
}
