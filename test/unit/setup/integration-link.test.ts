import { createIntegrationUrl } from '../../../src/setup/integration-link';

describe('createIntegrationUrl', () => {
  it('deep-links to the Splunk Events Reporting integration page, landing page encoded', () => {
    expect(createIntegrationUrl()).toBe(
      'https://start.1password.com/signin?landing-page=%2Fintegrations%2Fevents_reporting%2Fcreate%3Ftype%3Dsplunk',
    );
  });

  it('names the integration after the Splunk server, inside the landing page', () => {
    const url = new URL(createIntegrationUrl('splunk sh1&x=1'));
    expect([...url.searchParams.keys()]).toEqual(['landing-page']);
    const landing = url.searchParams.get('landing-page') ?? '';
    expect(landing.startsWith('/integrations/events_reporting/create?')).toBe(true);
    const inner = new URLSearchParams(landing.split('?')[1]);
    expect(inner.get('type')).toBe('splunk');
    expect(inner.get('name')).toBe('splunk sh1&x=1');
  });
});
