/** Reads a JSON document stored in storage/passwords against its schema. Pure. */
import type * as z from 'zod/mini';

/** The parsed value, or undefined when the text is not JSON or does not fit the schema. */
export function parseStoredJson<T>(text: string, schema: z.ZodMiniType<T>): T | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
