/** Add or edit one account: token checked on paste, saved to storage/passwords, then checked live. */
import React, { useRef, useState } from 'react';
import Button from '@splunk/react-ui/Button';
import ControlGroup from '@splunk/react-ui/ControlGroup';
import Message from '@splunk/react-ui/Message';
import Modal from '@splunk/react-ui/Modal';
import P from '@splunk/react-ui/Paragraph';
import Select from '@splunk/react-ui/Select';
import Switch from '@splunk/react-ui/Switch';
import Text from '@splunk/react-ui/Text';
import { officialHosts, regionLabels, type OfficialHost } from '../../events-api/token';
import {
  emptyAccountForm,
  regionHostFromConf,
  storedEndpointOf,
  validateAccountForm,
  type AccountForm,
  type TokenCheck,
} from '../account-model';
import { type TokenFacts } from '../status-model';
import { createIntegrationUrl } from '../integration-link';
import { parseFeeds } from '../input-model';
import { type AccountEntry, type LiveCheckResult } from '../setup-service';
import { type SetupContextValue } from './app';
import { LiveCheckView, TokenCheckView } from './check-views';
import { errorText } from './error-text';

export const maskedToken = '••••••••  saved';

export function inputFeedsOf(
  context: SetupContextValue,
  account: string,
): ReturnType<typeof parseFeeds> {
  const input = context.state.inputs.find((i) => (i.content['account'] ?? i.name) === account);
  return input === undefined ? [] : parseFeeds(input.content['feeds']);
}

/** Facts read from a pasted token, kept by the page if the live check cannot confirm them. */
function tokenFactsOf(check: TokenCheck): TokenFacts | undefined {
  if (check.state !== 'ok') return undefined;
  return {
    host: check.endpoint.host,
    region: check.endpoint.region,
    features: check.claims.features,
    accountUuid: check.claims.accountUuid,
    expiresAt: check.claims.expiresAt,
  };
}

export function AccountDialog({
  context,
  account,
  onClose,
}: {
  readonly context: SetupContextValue;
  readonly account: AccountEntry | undefined;
  readonly onClose: () => void;
}): React.JSX.Element {
  // After the first save the dialog edits the account it created.
  const [savedName, setSavedName] = useState<string | undefined>(account?.name);
  const isNew = savedName === undefined;
  const returnFocus = useRef<HTMLElement | null>(null);
  const [storedEndpoint, setStoredEndpoint] = useState<string | undefined>(
    account === undefined
      ? undefined
      : storedEndpointOf(context.state.statuses.get(account.name)?.host),
  );
  const [form, setForm] = useState<AccountForm>(
    account === undefined
      ? emptyAccountForm
      : {
          ...emptyAccountForm,
          name: account.name,
          regionHost: regionHostFromConf(account.regionHost),
          useCustomEndpoint: storedEndpoint !== undefined,
          customEndpoint: storedEndpoint ?? '',
        },
  );
  const [busy, setBusy] = useState<'saving' | 'checking' | undefined>(undefined);
  const [saveError, setSaveError] = useState<string | undefined>(undefined);
  const [checkError, setCheckError] = useState<string | undefined>(undefined);
  const [result, setResult] = useState<LiveCheckResult | undefined>(undefined);
  const [touched, setTouched] = useState(false);
  const now = new Date();
  const inputFeeds = savedName === undefined ? [] : inputFeedsOf(context, savedName);
  const validation = validateAccountForm(form, {
    isNew,
    existingNames: context.state.accounts.map((a) => a.name),
    inputFeeds,
    now,
    storedEndpoint,
  });
  const update = (patch: Partial<AccountForm>): void => {
    setForm((f) => ({ ...f, ...patch }));
    setTouched(true);
    setResult(undefined);
  };

  const save = async (): Promise<void> => {
    setSaveError(undefined);
    setResult(undefined);
    setBusy('saving');
    const name = form.name.trim();
    const facts = tokenFactsOf(validation.tokenCheck);
    try {
      await context.service.saveAccount(form);
    } catch (error) {
      setSaveError(errorText(error));
      setBusy(undefined);
      return;
    }
    setSavedName(name);
    // The endpoint went into the secret with the token: it is now the stored one.
    if (form.token.trim() !== '')
      setStoredEndpoint(form.useCustomEndpoint ? form.customEndpoint.trim() : undefined);
    // Clear the typed token from memory as soon as it is stored.
    setForm((f) => ({ ...f, token: '' }));
    setTouched(false);
    await check(name, facts);
  };

  const check = async (name: string, facts: TokenFacts | undefined): Promise<void> => {
    setSaveError(undefined);
    setBusy('checking');
    try {
      setResult(await context.service.liveCheck(name, inputFeedsOf(context, name), facts));
      await context.afterSave();
    } catch (error) {
      setCheckError(errorText(error));
    } finally {
      setBusy(undefined);
    }
  };

  const saved = result !== undefined || checkError !== undefined;
  const checkFailed = checkError !== undefined || (result !== undefined && result.outcome !== 'ok');
  const showErrors = touched || !isNew;
  return (
    <Modal
      open
      returnFocus={returnFocus}
      onRequestClose={onClose}
      style={{ width: 720 }}
      data-testid="account-dialog"
    >
      <Modal.Header
        title={savedName === undefined ? 'Add a 1Password account' : `Edit account ${savedName}`}
      />
      <Modal.Body>
        {busy !== undefined && (
          <Message type="info" data-testid="account-busy">
            {busy === 'saving' ? 'Saving…' : 'Checking the connection through splunkd…'}
          </Message>
        )}
        {saveError !== undefined && (
          <div data-testid="save-error">
            <Message type="error">{saveError}</Message>
          </div>
        )}
        {saved && checkFailed && (
          <div data-testid="saved-check-failed">
            <Message type="warning">
              The account {savedName} was saved, but its connection check failed: its input cannot
              collect until this is fixed. Correct it below and save again, press Check again, or
              delete the account from the list.
            </Message>
          </div>
        )}
        {saved && !checkFailed && (
          <Message type="success" data-testid="saved-check-ok">
            The account {savedName} was saved and its connection works.
          </Message>
        )}
        {checkError !== undefined && (
          <div data-testid="check-error">
            <Message type="error">{checkError}</Message>
          </div>
        )}
        {result !== undefined && <LiveCheckView result={result} now={now} />}
        <P>
          Create an Events Reporting integration in 1Password (owners and administrators can), copy
          its token and paste it here.{' '}
          <Button
            appearance="secondary"
            inline
            to={createIntegrationUrl(context.server.serverName)}
            openInNewContext
            label="Create a token in 1Password"
            data-testid="create-integration-link"
          />
        </P>
        <ControlGroup
          label="Account name"
          error={showErrors && validation.errors.name !== undefined}
          help={showErrors ? validation.errors.name : undefined}
        >
          <Text
            value={form.name}
            disabled={!isNew}
            onChange={(_e, { value }) => update({ name: value })}
            placeholder="e.g. acme"
            inputId="account-name"
            name="account-name"
          />
        </ControlGroup>
        {!isNew && (
          <ControlGroup label="Saved token">
            <span data-testid="masked-token">{maskedToken}</span>
          </ControlGroup>
        )}
        <ControlGroup
          label={isNew ? 'Events API token' : 'Replace token'}
          help={
            isNew
              ? 'Paste the whole token. It is checked here before anything is saved.'
              : 'Leave empty to keep the saved token.'
          }
        >
          <Text
            type="password"
            value={form.token}
            autoComplete="off"
            spellCheck={false}
            onChange={(_e, { value }) => update({ token: value })}
            placeholder={isNew ? 'eyJhbGciOiJFUzI1NiIs…' : 'Leave empty to keep the saved token'}
            inputId="account-token"
            name="account-token"
          />
        </ControlGroup>
        <TokenCheckView check={validation.tokenCheck} />
        <ControlGroup
          label="Region override"
          help="1Password's region is read from the token. Override it only if 1Password support asks you to."
        >
          <Select
            value={form.regionHost}
            onChange={(_e, { value }) => update({ regionHost: String(value) as '' | OfficialHost })}
            inputId="account-region"
          >
            <Select.Option label="From the token (recommended)" value="" />
            {officialHosts.map((host) => (
              <Select.Option key={host} label={`${regionLabels[host]}: ${host}`} value={host} />
            ))}
          </Select>
        </ControlGroup>
        <ControlGroup label="Custom endpoint">
          <Switch
            appearance="checkbox"
            selected={form.useCustomEndpoint}
            onClick={() => update({ useCustomEndpoint: !form.useCustomEndpoint })}
            data-testid="use-custom-endpoint"
          >
            Send the token to a custom https endpoint (administrators only)
          </Switch>
        </ControlGroup>
        {form.useCustomEndpoint && (
          <>
            <Message type="warning" data-testid="custom-endpoint-warning">
              Admin-only: the token will be sent to this host. Use it only for an endpoint you
              control and trust, such as an approved gateway in front of 1Password. It is stored
              inside the secret, beside the token.
            </Message>
            <ControlGroup
              label="Endpoint URL"
              error={validation.errors.customEndpoint !== undefined}
              help={
                validation.errors.customEndpoint ??
                (storedEndpoint !== undefined && form.customEndpoint.trim() === storedEndpoint
                  ? 'The stored endpoint (kept with the token). Changing it needs the token again.'
                  : 'https://host[:port], without a path.')
              }
            >
              <Text
                value={form.customEndpoint}
                onChange={(_e, { value }) => update({ customEndpoint: value })}
                placeholder="https://events-gateway.example.com"
                inputId="account-endpoint"
              />
            </ControlGroup>
          </>
        )}
        {showErrors &&
          validation.errors.token !== undefined &&
          validation.tokenCheck.state !== 'problem' && (
            <Message type="error">{validation.errors.token}</Message>
          )}
      </Modal.Body>
      <Modal.Footer>
        <Button
          appearance="secondary"
          onClick={onClose}
          label={saved ? 'Close' : 'Cancel'}
          data-testid="account-cancel"
        />
        {savedName !== undefined && (
          <Button
            appearance="secondary"
            disabled={busy !== undefined}
            onClick={() => {
              setResult(undefined);
              setCheckError(undefined);
              void check(savedName, undefined);
            }}
            label="Check again"
            data-testid="account-recheck"
          />
        )}
        <Button
          appearance="primary"
          disabled={!validation.canSave || busy !== undefined}
          onClick={() => void save()}
          label="Save and check"
          data-testid="account-save"
        />
      </Modal.Footer>
    </Modal>
  );
}
