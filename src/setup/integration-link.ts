/**
 * Deep link to 1Password's "create Events Reporting integration" page (the official Splunk app's
 * shape, events-api.md §2.1). The landing page travels as one encoded parameter so its own query
 * (type=splunk, name=…) is not mistaken for parameters of the sign-in page.
 */
export const createIntegrationBase = 'https://start.1password.com/signin';

export function createIntegrationUrl(integrationName?: string): string {
  const landing = new URLSearchParams({ type: 'splunk' });
  const name = integrationName?.trim();
  if (name !== undefined && name !== '') landing.set('name', name);
  const landingPage = `/integrations/events_reporting/create?${landing.toString()}`;
  return `${createIntegrationBase}?landing-page=${encodeURIComponent(landingPage)}`;
}
