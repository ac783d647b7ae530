/** Proxy and custom CA bundle, for all accounts or one. Credentials go to storage/passwords only. */
import React, { useState } from 'react';
import Button from '@splunk/react-ui/Button';
import ControlGroup from '@splunk/react-ui/ControlGroup';
import Heading from '@splunk/react-ui/Heading';
import Message from '@splunk/react-ui/Message';
import P from '@splunk/react-ui/Paragraph';
import Select from '@splunk/react-ui/Select';
import Text from '@splunk/react-ui/Text';
import { globalScope, noNetworkSettings } from '../../config/network-settings';
import { emptyProxyForm, validateProxyForm, type ProxyForm } from '../proxy-model';
import { type SetupContextValue } from './app';
import { errorText } from './error-text';

function ProxyEditor({
  context,
  account,
  initialUrl,
  initialCa,
}: {
  readonly context: SetupContextValue;
  /** undefined = the global settings. */
  readonly account: string | undefined;
  readonly initialUrl: string;
  readonly initialCa: string;
}): React.JSX.Element {
  const id = account ?? '_global';
  const [form, setForm] = useState<ProxyForm>({
    ...emptyProxyForm,
    proxyUrl: initialUrl,
    caBundlePath: initialCa,
  });
  const [status, setStatus] = useState<
    { kind: 'saved' } | { kind: 'error'; message: string } | undefined
  >(undefined);
  const [busy, setBusy] = useState(false);
  const errors = validateProxyForm(form);
  const update = (patch: Partial<ProxyForm>): void => {
    setForm((f) => ({ ...f, ...patch }));
    setStatus(undefined);
  };
  const save = async (): Promise<void> => {
    setBusy(true);
    try {
      await context.service.saveProxy(account, form);
      // The password leaves the page's memory once stored; it is never read back.
      setForm((f) => ({ ...f, credentials: 'keep', username: '', secret: '' }));
      await context.afterSave();
      setStatus({ kind: 'saved' });
    } catch (error) {
      setStatus({ kind: 'error', message: errorText(error) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="op-setup-card" data-testid={`proxy-${id}`}>
      <Heading level={3}>
        {account === undefined ? 'All accounts (global)' : `Account ${account}`}
      </Heading>
      {account !== undefined && <P>Leave empty to use the global settings.</P>}
      <ControlGroup
        label="Proxy URL"
        error={errors.proxyUrl !== undefined}
        help={errors.proxyUrl ?? 'http://host:port or https://host:port'}
      >
        <Text
          value={form.proxyUrl}
          onChange={(_e, { value }) => update({ proxyUrl: value })}
          placeholder="http://proxy.example.com:3128"
          inputId={`proxy-url-${id}`}
        />
      </ControlGroup>
      <ControlGroup label="Proxy credentials">
        <Select
          value={form.credentials}
          onChange={(_e, { value }) => update({ credentials: value as ProxyForm['credentials'] })}
          data-testid={`proxy-credentials-${id}`}
        >
          <Select.Option label="Keep what is stored (never shown)" value="keep" />
          <Select.Option label="Set new credentials" value="set" />
          <Select.Option label="Remove stored credentials" value="remove" />
        </Select>
      </ControlGroup>
      {form.credentials === 'set' && (
        <>
          <ControlGroup
            label="User name"
            error={errors.username !== undefined}
            help={errors.username}
          >
            <Text
              value={form.username}
              autoComplete="off"
              onChange={(_e, { value }) => update({ username: value })}
              inputId={`proxy-user-${id}`}
            />
          </ControlGroup>
          <ControlGroup
            label="Password"
            error={errors.secret !== undefined}
            help={errors.secret ?? 'Kept in storage/passwords, never in a .conf file.'}
          >
            <Text
              type="password"
              value={form.secret}
              autoComplete="off"
              onChange={(_e, { value }) => update({ secret: value })}
              inputId={`proxy-password-${id}`}
            />
          </ControlGroup>
        </>
      )}
      <ControlGroup
        label="CA bundle"
        error={errors.caBundlePath !== undefined}
        help={
          errors.caBundlePath ??
          'Absolute path of a PEM file on the Splunk server, for TLS-inspecting proxies. Certificates are always verified.'
        }
      >
        <Text
          value={form.caBundlePath}
          onChange={(_e, { value }) => update({ caBundlePath: value })}
          placeholder="/opt/splunk/etc/auth/corp-ca.pem"
          inputId={`ca-bundle-${id}`}
        />
      </ControlGroup>
      <Button
        appearance="primary"
        label="Save"
        disabled={busy || Object.keys(errors).length > 0}
        onClick={() => void save()}
        data-testid={`save-proxy-${id}`}
      />
      {status?.kind === 'saved' && <Message type="success">Saved.</Message>}
      {status?.kind === 'error' && <Message type="error">{status.message}</Message>}
    </section>
  );
}

export function ProxyTab({ context }: { readonly context: SetupContextValue }): React.JSX.Element {
  const stored = (scope: string) => context.state.network.get(scope) ?? noNetworkSettings;
  const global = stored(globalScope);
  return (
    <div data-testid="proxy-tab">
      <P>
        The input reaches 1Password directly unless a proxy is set here. A per-account setting wins
        over the global one. These settings decide where the token travels, so they are kept in
        storage/passwords, which only administrators can change.
      </P>
      <ProxyEditor
        context={context}
        account={undefined}
        initialUrl={global.proxyUrl}
        initialCa={global.caBundlePath}
      />
      {context.state.accounts.map((a) => (
        <ProxyEditor
          key={a.name}
          context={context}
          account={a.name}
          initialUrl={stored(a.name).proxyUrl}
          initialCa={stored(a.name).caBundlePath}
        />
      ))}
    </div>
  );
}
