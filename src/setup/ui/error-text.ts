/** One readable sentence for any failure shown on the page. */
import { SplunkdRequestError } from '../splunkd-rest';

export function errorText(error: unknown): string {
  if (error instanceof SplunkdRequestError) {
    if (error.status === 403) {
      return `splunkd refused the request (403): your role lacks the capability it needs. ${error.message}`;
    }
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
