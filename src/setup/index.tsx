/**
 * Browser entry of the setup page (bundled by tools/build/setup-page.mjs into
 * appserver/static/setup/setup.js). The Simple XML view renders an <html> panel holding the mount
 * point, then loads this script; it renders into that element.
 */
import { createRoot } from 'react-dom/client';
import SplunkThemeProvider from '@splunk/themes/SplunkThemeProvider';
import { SetupService } from './setup-service';
import { SplunkdRest } from './splunkd-rest';
import { App } from './ui/app';

export const mountId = 'ta-1password-events-setup';

function mount(): void {
  const element = document.getElementById(mountId);
  if (element === null) return;
  createRoot(element).render(
    <SplunkThemeProvider family="enterprise" colorScheme="light" density="comfortable">
      <App service={new SetupService(new SplunkdRest())} />
    </SplunkThemeProvider>,
  );
}

// Simple XML may load the script before or after the panel HTML is in the DOM.
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mount);
else mount();
