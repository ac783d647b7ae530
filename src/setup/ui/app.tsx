/** The setup page: loads who the user is and what is configured, then shows the tabs. */
import React, { useCallback, useEffect, useState } from 'react';
import Button from '@splunk/react-ui/Button';
import Heading from '@splunk/react-ui/Heading';
import Message from '@splunk/react-ui/Message';
import P from '@splunk/react-ui/Paragraph';
import TabLayout from '@splunk/react-ui/TabLayout';
import WaitSpinner from '@splunk/react-ui/WaitSpinner';
import { missingCapabilities, type UserContext } from '../permissions-model';
import { type ServerFacts, type SetupService, type SetupState } from '../setup-service';
import { AccessDenied } from './access-denied';
import { AccountsTab } from './accounts-tab';
import { HealthPanel } from './health-panel';
import { InputsTab } from './inputs-tab';
import { LoggingTab } from './logging-tab';
import { ProxyTab } from './proxy-tab';
import { errorText } from './error-text';

type Phase =
  | { readonly kind: 'loading' }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'denied'; readonly user: UserContext; readonly missing: string[] }
  | { readonly kind: 'ready'; readonly user: UserContext; readonly server: ServerFacts };

export interface SetupContextValue {
  readonly service: SetupService;
  readonly state: SetupState;
  readonly user: UserContext;
  readonly server: ServerFacts;
  /** Re-reads everything from splunkd. */
  readonly refresh: () => Promise<void>;
  /** Call after any successful save: sets is_configured and reloads the app the first time. */
  readonly afterSave: () => Promise<void>;
}

export function App({ service }: { readonly service: SetupService }): React.JSX.Element {
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [state, setState] = useState<SetupState | undefined>(undefined);
  const [tab, setTab] = useState('accounts');
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [attempt, setAttempt] = useState(0);

  const refresh = useCallback(async () => {
    setState(await service.loadState());
  }, [service]);

  useEffect(() => {
    let cancelled = false;
    setPhase({ kind: 'loading' });
    void (async () => {
      try {
        const user = await service.currentUser();
        const missing = missingCapabilities(user);
        if (missing.length > 0) {
          if (!cancelled) setPhase({ kind: 'denied', user, missing });
          return;
        }
        const [server, loaded] = await Promise.all([service.serverFacts(), service.loadState()]);
        if (cancelled) return;
        setState(loaded);
        setPhase({ kind: 'ready', user, server });
      } catch (error) {
        if (!cancelled) setPhase({ kind: 'failed', message: errorText(error) });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [service, attempt]);

  const afterSave = useCallback(async () => {
    if (state !== undefined && !state.configured) {
      await service.markConfigured();
      setNotice(
        'Setup saved. The add-on is now configured; the app was reloaded, no restart needed.',
      );
    }
    await refresh();
  }, [service, state, refresh]);

  if (phase.kind === 'loading') {
    return (
      <div className="op-setup-page">
        <WaitSpinner size="medium" /> Loading the 1Password Events configuration…
      </div>
    );
  }
  if (phase.kind === 'failed') {
    return (
      <div className="op-setup-page" data-testid="load-failed">
        <Message type="error">
          The setup page could not load its configuration. {phase.message}
        </Message>
        <Button
          appearance="primary"
          label="Retry"
          onClick={() => setAttempt((n) => n + 1)}
          data-testid="load-retry"
        />
      </div>
    );
  }
  if (phase.kind === 'denied') {
    return (
      <div className="op-setup-page">
        <AccessDenied user={phase.user} missing={phase.missing} />
      </div>
    );
  }
  if (state === undefined) return <div className="op-setup-page" />;
  const context: SetupContextValue = {
    service,
    state,
    user: phase.user,
    server: phase.server,
    refresh,
    afterSave,
  };
  return (
    <div className="op-setup-page" data-testid="setup-page">
      <Heading level={1}>1Password Events Reporting: setup</Heading>
      <P>
        Connect one or more 1Password accounts, choose what to collect and where it goes, and see at
        a glance whether events are flowing. Tokens are kept in Splunk&apos;s encrypted
        storage/passwords and never shown again after saving.
      </P>
      {!state.configured && (
        <Message type="info" data-testid="first-run">
          Welcome. Start by adding a 1Password account with an Events API token, then enable its
          input on the Inputs tab.
        </Message>
      )}
      {notice !== undefined && (
        <Message type="success" onRequestRemove={() => setNotice(undefined)}>
          {notice}
        </Message>
      )}
      <TabLayout
        activePanelId={tab}
        onChange={(_e, data) => setTab(data.activePanelId ?? 'accounts')}
      >
        <TabLayout.Panel label="Accounts" panelId="accounts">
          <AccountsTab context={context} />
        </TabLayout.Panel>
        <TabLayout.Panel label="Inputs" panelId="inputs">
          <InputsTab context={context} />
        </TabLayout.Panel>
        <TabLayout.Panel label="Proxy & CA" panelId="proxy">
          <ProxyTab context={context} />
        </TabLayout.Panel>
        <TabLayout.Panel label="Logging" panelId="logging">
          <LoggingTab context={context} />
        </TabLayout.Panel>
        <TabLayout.Panel label="Health" panelId="health">
          <HealthPanel context={context} />
        </TabLayout.Panel>
      </TabLayout>
    </div>
  );
}
