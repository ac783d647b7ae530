/** One readable sentence for any failure shown on the page (the admin wording table). */
import { describePageError, failureLine } from '../failure-text';

export function errorText(error: unknown): string {
  return failureLine(describePageError(error));
}
