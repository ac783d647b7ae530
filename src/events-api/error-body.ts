/** Reads the Events API's error bodies: {"Error":{"Message"}}, {status,message} or plain text. Pure. */

export function errorMessageOf(body: string): string {
  const trimmed = body.trim();
  if (trimmed === '') return '(empty body)';
  try {
    const value: unknown = JSON.parse(trimmed);
    if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      const nested = record['Error'];
      if (nested !== null && typeof nested === 'object') {
        const message = (nested as Record<string, unknown>)['Message'];
        if (typeof message === 'string') return message;
      }
      if (typeof record['message'] === 'string') return record['message'];
    }
  } catch {
    // Not JSON: the service answers some failures (e.g. a truncated token) in plain text.
  }
  return trimmed.replace(/\s+/g, ' ').slice(0, 200);
}
